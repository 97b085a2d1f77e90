/**
 * Where a proxied request may go (DESIGN.md section 9, "The proxy's rules"): the `<path>` of
 * `/v1/proxy/<connector>/<connection>/<path>` stays under `base_url`'s path, and inside the
 * manifest's `proxy.allow` when it has one.
 */
import type { ProxyRule } from '../manifest/types.js';

/** The path and query below base_url, or why it is refused (400). */
export type ProxyPath = { ok: true; path: string; query: string } | { ok: false; reason: string };

/**
 * Checks the raw (still percent-encoded) `<path>` and query of a proxied request: `..` segments
 * (also encoded, or hidden behind an encoded slash or backslash) and absolute or scheme-relative
 * URLs are refused. The path returned starts with `/` and is forwarded as sent.
 */
export function checkProxyPath(rawPath: string, query: string): ProxyPath {
  if (/^[a-z][a-z0-9+.-]*:/i.test(rawPath) || rawPath.startsWith('/') || rawPath.startsWith('\\')) {
    return { ok: false, reason: 'The proxied path must be relative to the connector\'s base_url, not an absolute URL.' };
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, reason: 'The proxied path is not valid percent-encoding.' };
  }
  if (decoded.split(/[/\\]/).some((segment) => segment === '..' || segment === '.')) {
    return { ok: false, reason: 'The proxied path may not climb out of the connector\'s base_url ("." and ".." segments are refused).' };
  }
  if (/[\u0000-\u001f]/.test(decoded)) return { ok: false, reason: 'The proxied path holds control characters.' };
  return { ok: true, path: `/${rawPath}`, query };
}

/** True when `proxy.allow` is absent or one of its rules covers the method and path (below base_url). */
export function proxyAllows(rules: ProxyRule[] | undefined, method: string, path: string): boolean {
  if (rules === undefined) return true;
  const decoded = safeDecode(path);
  return rules.some((rule) => methodMatches(rule.method, method) && pathGlob(rule.path).test(decoded));
}

function methodMatches(allowed: string | string[] | undefined, method: string): boolean {
  if (allowed === undefined) return true;
  return (Array.isArray(allowed) ? allowed : [allowed]).some((name) => name.toUpperCase() === method.toUpperCase());
}

const globCache = new Map<string, RegExp>();

/** `**` matches across segments, `*` within one; `/customer/**` also matches `/customer`. */
function pathGlob(glob: string): RegExp {
  let pattern = globCache.get(glob);
  if (pattern) return pattern;
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      if (source.endsWith('/') && i + 2 === glob.length) source = `${source.slice(0, -1)}(?:/.*)?`;
      else source += '.*';
      i += 1;
    } else if (char === '*') source += '[^/]*';
    else source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  pattern = new RegExp(`^${source}$`);
  globCache.set(glob, pattern);
  return pattern;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
