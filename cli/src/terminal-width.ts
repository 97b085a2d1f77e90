/** The width tables are fitted to when stdout is not a terminal and `COLUMNS` is not set. */
export const DEFAULT_TERMINAL_WIDTH = 80;

/**
 * The width of the terminal `stream` writes to: its `columns` when it is a TTY, else `COLUMNS`
 * from the environment when that is a positive number, else {@link DEFAULT_TERMINAL_WIDTH}.
 */
export function terminalWidth(
  stream: { isTTY?: boolean; columns?: number } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (stream.isTTY && stream.columns !== undefined && stream.columns > 0) return stream.columns;
  const fromEnv = Number(env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_TERMINAL_WIDTH;
}
