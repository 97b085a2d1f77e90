import { describe, expect, it } from 'vitest';
import { formatTable } from './table.js';

describe('formatTable', () => {
  it('pads every column but the last to its widest cell', () => {
    expect(formatTable(['NAME', 'SCHEME'], [['tripletex', 'tripletex'], ['demo', 'oauth2']])).toBe(
      ['NAME       SCHEME', 'tripletex  tripletex', 'demo       oauth2'].join('\n'),
    );
  });
});
