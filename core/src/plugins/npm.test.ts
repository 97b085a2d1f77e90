import { describe, expect, it } from 'vitest';
import { summarizeNpmFailure } from './npm.js';

describe('summarizeNpmFailure', () => {
  it('gives the telling line of a 404, not the code field', () => {
    const stderr = [
      'npm error code E404',
      'npm error 404 Not Found - GET https://registry.npmjs.org/connectors-plugin-nope',
      'npm error 404',
      "npm error 404  The requested resource 'connectors-plugin-nope@*' could not be found.",
      'npm error A complete log of this run can be found in: /root/.npm/_logs/x-debug-0.log',
    ].join('\n');
    expect(summarizeNpmFailure(stderr)).toBe('Not Found - GET https://registry.npmjs.org/connectors-plugin-nope (E404)');
  });

  it('skips syscall, path and errno fields and the lower-case code prefix', () => {
    const stderr = [
      'npm error code ENOENT',
      'npm error syscall open',
      'npm error path /tmp/x/package.json',
      'npm error errno -2',
      "npm error enoent Could not read package.json: Error: ENOENT: no such file or directory, open '/tmp/x/package.json'",
    ].join('\n');
    expect(summarizeNpmFailure(stderr)).toBe("Could not read package.json: Error: ENOENT: no such file or directory, open '/tmp/x/package.json'");
  });

  it('reads the npm 6 prefix and falls back to the code or a sentence', () => {
    expect(summarizeNpmFailure('npm ERR! code E401\nnpm ERR! Unable to authenticate')).toBe('Unable to authenticate (E401)');
    expect(summarizeNpmFailure('npm error code EACCES')).toBe('EACCES');
    expect(summarizeNpmFailure('')).toBe('npm failed without a message');
  });
});
