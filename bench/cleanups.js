// @ts-check
/**
 * Everything a benchmark must undo (clusters, servers, temp folders, child processes), newest
 * first, run once on the way out however it comes: normal exit, SIGINT or SIGTERM.
 */

/** @type {Array<() => void>} */
export const cleanups = [];
let cleanedUp = false;

/** Runs every undo once, newest first; a failing one does not stop the rest. */
export function cleanUp() {
  if (cleanedUp) return;
  cleanedUp = true;
  for (const undo of cleanups.reverse()) {
    try {
      undo();
    } catch {
      // keep undoing the rest
    }
  }
}

for (const [signal, code] of /** @type {const} */ ([['SIGINT', 130], ['SIGTERM', 143]])) {
  process.on(signal, () => {
    cleanUp();
    process.exit(code);
  });
}
process.on('exit', cleanUp);
