/**
 * Where the audit lines of `connectors serve` go by default: stderr, written once per turn of the
 * event loop rather than once per line. On Linux a pipe or a file as stderr is written
 * synchronously, so one `write` per request would block the service once per request; queued lines
 * are joined and written together after the current turn (still one JSON line per request, in
 * order), and {@link BatchedWriter.flush} writes what is queued at once (shutdown).
 */

/** Queues lines and writes them together. */
export interface BatchedWriter {
  /** Queues one line (with its newline); it is written after the current turn of the event loop. */
  write(line: string): void;
  /** Writes every queued line now. */
  flush(): void;
}

/** A {@link BatchedWriter} on `sink` (default: `process.stderr.write`). */
export function createBatchedWriter(sink: (text: string) => void = (text) => process.stderr.write(text)): BatchedWriter {
  let queued: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (queued.length === 0) return;
    const text = queued.join('');
    queued = [];
    sink(text);
  };
  return {
    write(line) {
      queued.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
