/**
 * The cookie jar of one connection (tough-cookie 6). APIs with session cookies need the jar to
 * outlive a process, so it is serialised and kept with the session.
 */
import type { CookieJar } from 'tough-cookie';

/** tough-cookie, imported on first use: loading it costs every command start-up time. */
async function loadCookieJarClass(): Promise<typeof CookieJar> {
  return (await import('tough-cookie')).CookieJar;
}

/** An empty jar for a connection. */
export async function createCookieJar(): Promise<CookieJar> {
  return new (await loadCookieJarClass())();
}

/** The jar as a JSON string, to keep with the session. */
export async function serializeCookieJar(jar: CookieJar): Promise<string> {
  return JSON.stringify(await jar.serialize());
}

/**
 * A jar restored from {@link serializeCookieJar}'s output (the JSON string, or the object it parses
 * to, e.g. a store's `cookies` field); an empty jar when there is nothing to restore or it does not
 * parse (a lost cookie only costs a new server session).
 */
export async function restoreCookieJar(serialized?: unknown): Promise<CookieJar> {
  if (!serialized) return createCookieJar();
  try {
    const data = typeof serialized === 'string' ? (JSON.parse(serialized) as object) : (serialized as object);
    return await (await loadCookieJarClass()).deserialize(data);
  } catch {
    return createCookieJar();
  }
}

/**
 * True when the jar certainly holds no cookie (tough-cookie's memory store with an empty index), so
 * a caller may skip asking it for the cookies of a URL; false when it holds some or cannot tell.
 */
export function isCookieJarEmpty(jar: CookieJar): boolean {
  const index = (jar.store as { idx?: unknown }).idx;
  return typeof index === 'object' && index !== null && Object.keys(index).length === 0;
}
