/**
 * Follows an authorization URL like a browser would (cookies kept, redirects followed by hand)
 * until it leaves the authorization server at `issuer`; returns that last URL (the callback).
 */
export async function followAuthorization(issuer: string, start: string): Promise<URL> {
  const cookies = new Map<string, string>();
  let next = new URL(start);
  for (let hop = 0; hop < 10; hop++) {
    if (next.origin !== issuer) return next;
    const answer = await fetch(next, { redirect: 'manual', headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const line of answer.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair.indexOf('=');
      cookies.set(pair.slice(0, index), pair.slice(index + 1));
    }
    const location = answer.headers.get('location');
    if (!location) throw new Error(`The authorization flow stopped at ${next.pathname} with ${answer.status}: ${await answer.text()}`);
    next = new URL(location, next);
  }
  throw new Error('The authorization flow redirected too often.');
}
