import { afterEach, describe, expect, it } from 'vitest';
import { AuthError } from '../../errors.js';
import { startLoopbackListener, type LoopbackListener } from './loopback.js';

let listener: LoopbackListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

describe('startLoopbackListener', () => {
  it('listens on 127.0.0.1 and returns the callback query', async () => {
    listener = await startLoopbackListener();
    expect(listener.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const waiting = listener.waitForCallback('st-1');
    const response = await fetch(`${listener.redirectUri}?code=abc&state=st-1`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Login complete');
    expect((await waiting).get('code')).toBe('abc');
  });

  it('a port in use is an AuthError naming the port and what to do, not a raw EADDRINUSE', async () => {
    listener = await startLoopbackListener();
    const port = Number(new URL(listener.redirectUri).port);
    const error = await startLoopbackListener({ port }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toBe(`Cannot listen for the login callback: port ${port} on 127.0.0.1 is in use.`);
    expect((error as AuthError).hint).toMatch(/--port 0/);
  });

  it('refuses a mismatched state with 400 and rejects', async () => {
    listener = await startLoopbackListener();
    const waiting = listener.waitForCallback('expected');
    const outcome = waiting.catch((error: unknown) => error);
    const response = await fetch(`${listener.redirectUri}?code=abc&state=forged`);
    expect(response.status).toBe(400);
    const error = await outcome;
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/state that does not match/);
  });

  it('reports a provider error from the callback', async () => {
    listener = await startLoopbackListener();
    const outcome = listener.waitForCallback('s').catch((error: unknown) => error);
    const response = await fetch(`${listener.redirectUri}?error=access_denied&error_description=User+said+no&state=s`);
    expect(response.status).toBe(400);
    const error = (await outcome) as AuthError;
    expect(error.providerError).toBe('access_denied');
    expect(error.message).toBe('The provider refused the login: access_denied (User said no).');
  });

  it('answers 404 elsewhere and keeps waiting', async () => {
    listener = await startLoopbackListener();
    const waiting = listener.waitForCallback('s');
    const favicon = await fetch(new URL('/favicon.ico', listener.redirectUri));
    expect(favicon.status).toBe(404);
    await fetch(`${listener.redirectUri}?code=c&state=s`);
    expect((await waiting).get('code')).toBe('c');
  });

  it('times out', async () => {
    listener = await startLoopbackListener({ timeoutMs: 30 });
    await expect(listener.waitForCallback('s')).rejects.toThrow('No login callback arrived within 0 s.');
  });
});
