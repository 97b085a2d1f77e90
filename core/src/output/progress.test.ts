import { describe, expect, it } from 'vitest';
import { formatSummary, ProgressReporter } from './progress.js';

function fakeOutput(isTTY: boolean): { output: { isTTY: boolean; write: (t: string) => void }; text: () => string } {
  const parts: string[] = [];
  return { output: { isTTY, write: (t: string) => parts.push(t) }, text: () => parts.join('') };
}

describe('ProgressReporter', () => {
  it('prints only a summary line when stderr is not a terminal', () => {
    let now = 0;
    const { output, text } = fakeOutput(false);
    const progress = new ProgressReporter({ output, clock: () => now });
    progress.startStream('customers');
    progress.page(1000);
    now = 2000;
    progress.page(1000);
    expect(text()).toBe('');
    expect(progress.endStream('completed')).toEqual({ stream: 'customers', records: 2000, pages: 2, elapsedMs: 2000 });
    expect(text()).toBe('customers: 2,000 records, 2 pages in 2.0 s (1,000 records/s)\n');
  });

  it('redraws a live line on a terminal, at most once per interval', () => {
    let now = 0;
    const { output, text } = fakeOutput(true);
    const progress = new ProgressReporter({ output, clock: () => now, intervalMs: 100 });
    progress.startStream('s');
    now = 10;
    progress.page(10);
    now = 50;
    progress.page(10);
    now = 200;
    progress.page(10);
    expect(text().split('\r\u001b[2K').filter(Boolean)).toEqual(['s: 10 records, 1 pages (1,000 records/s)', 's: 30 records, 3 pages (150 records/s)']);
    progress.endStream('limited');
    expect(text().endsWith('\r\u001b[2Ks: 30 records, 3 pages in 0.2 s (150 records/s), stopped at --limit\n')).toBe(true);
  });

  it('prints nothing when quiet', () => {
    const { output, text } = fakeOutput(true);
    const progress = new ProgressReporter({ output, quiet: true });
    progress.startStream('s');
    progress.page(5);
    progress.endStream('completed');
    expect(text()).toBe('');
  });
});

describe('formatSummary', () => {
  it('says when a stream failed', () => {
    expect(formatSummary({ stream: 's', records: 1, pages: 1, elapsedMs: 12_000 }, 'failed')).toBe('s: 1 record, 1 page in 12 s (0 records/s), failed');
  });
});
