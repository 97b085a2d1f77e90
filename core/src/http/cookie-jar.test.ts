import { describe, expect, it } from 'vitest';
import { createCookieJar, restoreCookieJar, serializeCookieJar } from './cookie-jar.js';

describe('cookie jar serialisation', () => {
  it('restores the cookies it serialised', async () => {
    const jar = createCookieJar();
    await jar.setCookie('SESSION=abc123; Path=/', 'https://api.example.com/login');
    const text = await serializeCookieJar(jar);
    const restored = await restoreCookieJar(text);
    expect(await restored.getCookieString('https://api.example.com/customers')).toBe('SESSION=abc123');
  });

  it('starts empty without or with unreadable input', async () => {
    expect(await (await restoreCookieJar(undefined)).getCookieString('https://a.example/')).toBe('');
    expect(await (await restoreCookieJar('not json')).getCookieString('https://a.example/')).toBe('');
  });
});
