import { describe, expect, it } from 'vitest';
import { createCookieJar, isCookieJarEmpty, restoreCookieJar, serializeCookieJar } from './cookie-jar.js';

describe('cookie jar serialisation', () => {
  it('restores the cookies it serialised', async () => {
    const jar = await createCookieJar();
    await jar.setCookie('SESSION=abc123; Path=/', 'https://api.example.com/login');
    const text = await serializeCookieJar(jar);
    const restored = await restoreCookieJar(text);
    expect(await restored.getCookieString('https://api.example.com/customers')).toBe('SESSION=abc123');
  });

  it('restores from the parsed object too (a store keeps JSON)', async () => {
    const jar = await createCookieJar();
    await jar.setCookie('a=b; Path=/', 'https://api.example.com/');
    const restored = await restoreCookieJar(JSON.parse(await serializeCookieJar(jar)) as unknown);
    expect(await restored.getCookieString('https://api.example.com/')).toBe('a=b');
  });

  it('starts empty without or with unreadable input', async () => {
    expect(await (await restoreCookieJar(undefined)).getCookieString('https://a.example/')).toBe('');
    expect(await (await restoreCookieJar('not json')).getCookieString('https://a.example/')).toBe('');
  });
});

describe('isCookieJarEmpty', () => {
  it('is true for a new or restored-from-nothing jar, false once it holds a cookie', async () => {
    expect(isCookieJarEmpty(await createCookieJar())).toBe(true);
    expect(isCookieJarEmpty(await restoreCookieJar(undefined))).toBe(true);
    const jar = await createCookieJar();
    await jar.setCookie('SESSION=abc123; Path=/', 'https://api.example.com/login');
    expect(isCookieJarEmpty(jar)).toBe(false);
    expect(isCookieJarEmpty(await restoreCookieJar(await serializeCookieJar(jar)))).toBe(false);
  });
});
