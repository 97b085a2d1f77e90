import { describe, expect, it } from 'vitest';
import { compareCursorValues, CursorTracker, formatRunStartCursor, resolveIncrementalParam } from './incremental.js';

describe('compareCursorValues', () => {
  it('compares numbers numerically and strings lexically', () => {
    expect(compareCursorValues(9, 10)).toBeLessThan(0);
    expect(compareCursorValues('9', '10')).toBeGreaterThan(0);
    expect(compareCursorValues('2024-01-02T00:00:00Z', '2024-01-10T00:00:00Z')).toBeLessThan(0);
    expect(compareCursorValues('a', 'a')).toBe(0);
  });
});

describe('CursorTracker', () => {
  it('keeps the largest value seen, and never goes below the saved cursor', () => {
    const tracker = new CursorTracker('updated_at', '2024-01-05');
    tracker.observe([{ updated_at: '2024-01-03' }, { updated_at: '2024-01-04' }]);
    expect(tracker.final()).toBe('2024-01-05');
    tracker.observe([{ updated_at: '2024-01-09' }, { updated_at: null }, {}]);
    expect(tracker.final()).toBe('2024-01-09');
  });

  it('reads a nested cursor field and compares numbers as numbers', () => {
    const tracker = new CursorTracker('meta.version', undefined);
    tracker.observe([{ meta: { version: 9 } }, { meta: { version: 10 } }]);
    expect(tracker.final()).toBe(10);
  });

  it('checkpoints the largest value below the maximum while records arrive in order', () => {
    const tracker = new CursorTracker('t', undefined);
    tracker.observe([{ t: 1 }, { t: 2 }, { t: 2 }]);
    expect(tracker.checkpoint()).toBe(1);
    tracker.observe([{ t: 3 }, { t: 3 }]);
    expect(tracker.checkpoint()).toBe(2);
  });

  it('offers no checkpoint once the order is broken', () => {
    const tracker = new CursorTracker('t', undefined);
    tracker.observe([{ t: 1 }, { t: 5 }]);
    tracker.observe([{ t: 3 }, { t: 9 }]);
    expect(tracker.checkpoint()).toBeUndefined();
    expect(tracker.final()).toBe(9);
  });

  it('offers no checkpoint at or below the saved cursor', () => {
    const tracker = new CursorTracker('t', 5);
    tracker.observe([{ t: 4 }, { t: 5 }, { t: 6 }]);
    expect(tracker.checkpoint()).toBeUndefined();
    tracker.observe([{ t: 7 }]);
    expect(tracker.checkpoint()).toBe(6);
  });

  it('has no state when nothing was seen and nothing saved', () => {
    expect(new CursorTracker('t', undefined).final()).toBeUndefined();
  });
});

describe('formatRunStartCursor', () => {
  const now = new Date('2024-03-04T05:06:07.089Z');
  it('gives ISO-8601 UTC, or a date', () => {
    expect(formatRunStartCursor(now, undefined)).toBe('2024-03-04T05:06:07.089Z');
    expect(formatRunStartCursor(now, 'date-time')).toBe('2024-03-04T05:06:07.089Z');
    expect(formatRunStartCursor(now, 'date')).toBe('2024-03-04');
  });
});

describe('resolveIncrementalParam', () => {
  it('prefers the saved cursor, then start, then nothing', () => {
    expect(resolveIncrementalParam(42, '2020-01-01')).toBe('42');
    expect(resolveIncrementalParam(undefined, '2020-01-01')).toBe('2020-01-01');
    expect(resolveIncrementalParam(undefined, '')).toBeUndefined();
    expect(resolveIncrementalParam(undefined, undefined)).toBeUndefined();
  });
});
