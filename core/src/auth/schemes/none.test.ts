import { describe, expect, it } from 'vitest';
import type { AuthContext, OutgoingRequest } from '../../plugin-api.js';
import { noneScheme } from './none.js';

describe('none scheme', () => {
  it('needs no secrets and leaves requests as they are', async () => {
    expect(noneScheme.requiredSecrets).toEqual([]);
    expect(noneScheme.injectedSecrets).toEqual([]);
    const session = await noneScheme.authenticate({} as AuthContext);
    expect(session).toEqual({ secrets: {} });
    const request: OutgoingRequest = { method: 'GET', url: new URL('https://api.example.com/x?a=1'), headers: { accept: 'application/json' }, body: 'b' };
    await noneScheme.apply(request, session, {} as AuthContext);
    expect(request).toEqual({ method: 'GET', url: new URL('https://api.example.com/x?a=1'), headers: { accept: 'application/json' }, body: 'b' });
  });
});
