import { describe, expect, it } from 'vitest';
import { DEFAULT_TERMINAL_WIDTH, terminalWidth } from './terminal-width.js';

describe('terminalWidth', () => {
  it('is the terminal\'s columns on a TTY', () => {
    expect(terminalWidth({ isTTY: true, columns: 132 }, { COLUMNS: '40' })).toBe(132);
  });

  it('is COLUMNS when stdout is not a terminal, else 80', () => {
    expect(terminalWidth({ isTTY: false }, { COLUMNS: '40' })).toBe(40);
    expect(terminalWidth({ isTTY: false }, {})).toBe(DEFAULT_TERMINAL_WIDTH);
    expect(terminalWidth({ isTTY: false }, { COLUMNS: 'wide' })).toBe(80);
    expect(terminalWidth({ isTTY: false }, { COLUMNS: '0' })).toBe(80);
  });
});
