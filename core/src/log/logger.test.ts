import { describe, expect, it } from 'vitest';
import { createLogger, isDebugEnabled } from './logger.js';

describe('isDebugEnabled', () => {
  it.each([
    ['connectors*', true],
    ['connectors:http', true],
    ['*', true],
    ['other,connectors*', true],
    ['other', false],
    [undefined, false],
  ])('DEBUG=%s -> %s', (value, expected) => {
    expect(isDebugEnabled(value === undefined ? {} : { DEBUG: value })).toBe(expected);
  });
});

describe('createLogger', () => {
  it('redacts every line and prints debug only when enabled', () => {
    const lines: string[] = [];
    const redact = (text: string) => text.replaceAll('s3cret', '***');
    const quietDebug = createLogger({ redact, debug: false, write: (l) => lines.push(l) });
    quietDebug.debug('token s3cret');
    quietDebug.info('using s3cret');
    quietDebug.warn('renewal failed for s3cret');
    expect(lines).toEqual(['using ***', 'Warning: renewal failed for ***']);

    const loud = createLogger({ redact, debug: true, quiet: true, write: (l) => lines.push(l) });
    loud.debug('token s3cret');
    loud.info('hidden by quiet');
    expect(lines.at(-1)).toBe('connectors: token ***');
    expect(lines).not.toContain('hidden by quiet');
  });
});
