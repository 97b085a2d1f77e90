/**
 * The globs of caller grants (DESIGN.md section 9): `allow` globs are `<connector>/<connection>`
 * where `*` matches any run of characters within its part (`tripletex/*`, `*\/acme`, `*\/*`), and
 * OIDC `subject` globs where `*` matches any run of characters at all (`repo:acme/app:*`), as
 * cloud trust policies match subjects. No other character is special.
 */

const PART = /^[A-Za-z0-9_.*-]+$/;

/** True for an `allow` glob: two non-empty parts of letters, digits, `_`, `-`, `.` and `*`, split by one `/`. */
export function isAllowGlob(glob: string): boolean {
  const parts = glob.split('/');
  return parts.length === 2 && parts.every((part) => PART.test(part));
}

/** True when the `<connector>/<connection>` glob covers this connection. */
export function allowGlobMatches(glob: string, connector: string, connection: string): boolean {
  const parts = glob.split('/');
  if (parts.length !== 2) return false;
  return matchPart(parts[0] as string, connector) && matchPart(parts[1] as string, connection);
}

/** True when `subject` equals `pattern`, or matches it with `*` standing for any characters. */
export function subjectMatches(pattern: string, subject: string): boolean {
  if (!pattern.includes('*')) return pattern === subject;
  return globToRegExp(pattern).test(subject);
}

function matchPart(pattern: string, value: string): boolean {
  if (value.includes('/')) return false;
  if (!pattern.includes('*')) return pattern === value;
  return globToRegExp(pattern).test(value);
}

/** Compiled globs: every request checks its caller's grants, so each glob is compiled once. */
const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 1_000;

function globToRegExp(pattern: string): RegExp {
  let regExp = compiled.get(pattern);
  if (!regExp) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    regExp = compileGlob(pattern);
    compiled.set(pattern, regExp);
  }
  return regExp;
}

function compileGlob(pattern: string): RegExp {
  const source = pattern
    .split('*')
    .map((piece) => piece.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'))
    .join('[\\s\\S]*');
  return new RegExp(`^${source}$`);
}
