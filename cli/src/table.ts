/** How {@link formatTable} fits a table into a width. */
export interface TableOptions {
  /** The widest a line may be; omitted: as wide as the cells need. */
  maxWidth?: number;
  /** The columns (by index) that may be cut, with an ellipsis, to fit `maxWidth`; the others never are. */
  truncatable?: readonly number[];
}

const SEPARATOR = '  ';
const ELLIPSIS = '…';
/** The narrowest a truncatable column becomes: room for a few characters and the ellipsis. */
const MIN_TRUNCATED_WIDTH = 6;

/** The width of a cell in characters (code points, so that `…` and `ø` count one). */
function widthOf(text: string): number {
  return [...text].length;
}

/** `text` cut to `width` characters, the last of them an ellipsis when anything was cut. */
function truncate(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}${ELLIPSIS}`;
}

/**
 * Column widths that fit `maxWidth`: the widest truncatable column gives up a character at a time
 * until the line fits or every truncatable column is at its minimum (the table is then wider than
 * `maxWidth`, the untruncatable columns kept whole).
 */
function fitWidths(natural: number[], options: TableOptions): number[] {
  const widths = [...natural];
  if (options.maxWidth === undefined) return widths;
  const total = () => widths.reduce((sum, width) => sum + width, 0) + SEPARATOR.length * (widths.length - 1);
  const truncatable = options.truncatable ?? [];
  while (total() > options.maxWidth) {
    let widest: number | undefined;
    for (const column of truncatable) {
      if (widths[column]! > MIN_TRUNCATED_WIDTH && (widest === undefined || widths[column]! > widths[widest]!)) widest = column;
    }
    if (widest === undefined) break;
    widths[widest]! -= 1;
  }
  return widths;
}

/**
 * Formats rows as left-aligned columns separated by two spaces, with a header row. With
 * `maxWidth`, the `truncatable` columns are cut with an ellipsis so that each line fits.
 */
export function formatTable(header: string[], rows: string[][], options: TableOptions = {}): string {
  const natural = header.map((title, column) =>
    Math.max(widthOf(title), ...rows.map((row) => widthOf(row[column] ?? ''))),
  );
  const widths = fitWidths(natural, options);
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => {
        const text = truncate(cell, widths[column]!);
        return column === cells.length - 1 ? text : text + ' '.repeat(widths[column]! - widthOf(text));
      })
      .join(SEPARATOR)
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
