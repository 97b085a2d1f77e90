// @ts-check
/**
 * Nango's `${...}` templates as this runtime's `{{ ... }}` templates (issue 12's measure): config
 * and credential references, `${base64(a:b)}` as a concatenation with `| base64`, and a
 * whole-string fallback `A || B` as a per-value fallback when A and B differ in one place.
 * What has no counterpart (`${now:...}`, `${random}`, signatures, earlier steps) is reported lost.
 */

/**
 * @typedef {object} TemplateScope
 * @property {string | undefined} accessToken what `${accessToken}` becomes (an expression), if allowed here
 * @property {string | undefined} apiKey what `${apiKey}` becomes, if allowed here
 * @property {boolean} secrets whether credentials may be read here
 * @property {Set<string>} secretNames credentials read (filled in)
 * @property {Set<string>} configNames config properties read (filled in)
 * @property {Record<string, string>} [configAlias] config names Nango fills from elsewhere (token response metadata) -> expression
 * @property {string} [assertion] what `${credentials.assertion}` / `${token}` (a signed JWT) become
 * @property {string} [refreshToken] what `${refresh_token}` becomes
 * @property {{ clientId: string, clientSecret: string }} [client] what `${clientId}` / `${clientSecret}` become
 */

/** Splits `text` into literal text and `${...}` bodies, honouring nesting. */
function splitNango(text) {
  /** @type {Array<{ text?: string, expr?: string }>} */
  const parts = [];
  let i = 0;
  let literal = '';
  while (i < text.length) {
    if (text.startsWith('${', i)) {
      let depth = 1;
      let j = i + 2;
      while (j < text.length && depth > 0) {
        if (text.startsWith('${', j)) { depth += 1; j += 2; continue; }
        if (text[j] === '{') depth += 1;
        else if (text[j] === '}') depth -= 1;
        j += 1;
      }
      if (depth !== 0) return undefined;
      if (literal) parts.push({ text: literal });
      literal = '';
      parts.push({ expr: text.slice(i + 2, j - 1) });
      i = j;
    } else {
      literal += text[i];
      i += 1;
    }
  }
  if (literal) parts.push({ text: literal });
  return parts;
}

/** One `${...}` body as an expression of ours, or undefined (with the reason added to `lost`). */
function convertExpression(body, scope, lost, where) {
  const trimmed = body.trim();
  let match = /^connectionConfig\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)$/.exec(trimmed);
  if (match) {
    const alias = scope.configAlias?.[match[1]];
    if (alias) return alias;
    scope.configNames.add(match[1].split('.')[0]);
    return `config.${match[1]}`;
  }
  if (scope.assertion && (trimmed === 'credentials.assertion' || trimmed === 'token')) return scope.assertion;
  if (trimmed === 'clientId' || trimmed === 'clientSecret') {
    if (!scope.client) { lost.add(`OAuth client in ${where}`); return undefined; }
    return scope.client[trimmed];
  }
  if (trimmed === 'refresh_token') {
    if (!scope.refreshToken) { lost.add(`refresh token in ${where}`); return undefined; }
    return scope.refreshToken;
  }
  match = /^(?:credentials|assertionOption)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(trimmed);
  if (match) {
    if (!scope.secrets) { lost.add(`credential in ${where}`); return undefined; }
    scope.secretNames.add(match[1]);
    return `secrets.${match[1]}`;
  }
  if (trimmed === 'accessToken') {
    if (!scope.accessToken) { lost.add(`access token in ${where}`); return undefined; }
    return scope.accessToken;
  }
  if (trimmed === 'apiKey') {
    if (!scope.apiKey) { lost.add(`API key in ${where}`); return undefined; }
    return scope.apiKey;
  }
  if (trimmed === 'username' || trimmed === 'password') {
    if (!scope.secrets) { lost.add(`credential in ${where}`); return undefined; }
    scope.secretNames.add(trimmed);
    return `secrets.${trimmed}`;
  }
  match = /^base64\(([\s\S]*)\)$/.exec(trimmed);
  if (match) {
    const inner = concatenationOf(match[1], scope, lost, where);
    return inner === undefined ? undefined : `${inner} | base64`;
  }
  lost.add(`template of another value (${trimmed.replace(/\$\{.*$/s, '').replace(/[.:(].*$/s, '') || trimmed.slice(0, 12)})`);
  return undefined;
}

/** Text with `${...}` parts as one concatenation expression (`"a" ~ secrets.b`). */
function concatenationOf(text, scope, lost, where) {
  const parts = splitNango(text);
  if (!parts) { lost.add(`unbalanced template (${where})`); return undefined; }
  const pieces = [];
  for (const part of parts) {
    if (part.text !== undefined) pieces.push(JSON.stringify(part.text));
    else {
      const expression = convertExpression(part.expr ?? '', scope, lost, where);
      if (expression === undefined) return undefined;
      pieces.push(expression.includes('|') ? `(${expression})` : expression);
    }
  }
  if (pieces.some((p) => p.startsWith('('))) { lost.add(`nested filter (${where})`); return undefined; }
  return pieces.join(' ~ ') || '""';
}

/** One side of a fallback, or the whole text: `${x}` parts as `{{ x }}` tags. */
function convertPlain(text, scope, lost, where) {
  const parts = splitNango(text);
  if (!parts) { lost.add(`unbalanced template (${where})`); return undefined; }
  let out = '';
  for (const part of parts) {
    if (part.text !== undefined) out += part.text;
    else {
      const expression = convertExpression(part.expr ?? '', scope, lost, where);
      if (expression === undefined) return undefined;
      out += `{{ ${expression} }}`;
    }
  }
  return out;
}

/** The longest common prefix of two strings, not ending inside a `${...}`. */
function commonPrefix(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  let prefix = a.slice(0, i);
  const open = prefix.lastIndexOf('${');
  if (open >= 0 && prefix.indexOf('}', open) < 0) prefix = prefix.slice(0, open);
  return prefix;
}

/** The longest common suffix of two strings, not starting inside a `${...}`. */
function commonSuffix(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[a.length - 1 - i] === b[b.length - 1 - i]) i += 1;
  let suffix = a.slice(a.length - i);
  const close = suffix.indexOf('}');
  if (close >= 0 && suffix.lastIndexOf('${', close) < 0) suffix = suffix.slice(close + 1);
  return suffix;
}

/**
 * `A || B` (Nango: B when A reads an unset value) as one template: after the common prefix and
 * suffix, A must be one `${x}` and B a literal or one `${y}`: `{{ x || "B" }}`.
 */
function convertFallback(sides, scope, lost, where) {
  if (sides.length !== 2) { lost.add(`fallback template (${where})`); return undefined; }
  const [a, b] = sides.map((s) => s.trim());
  const prefix = commonPrefix(a, b);
  const suffix = commonSuffix(a.slice(prefix.length), b.slice(prefix.length));
  const left = a.slice(prefix.length, a.length - suffix.length);
  const right = b.slice(prefix.length, b.length - suffix.length);
  const leftParts = splitNango(left);
  const rightParts = splitNango(right);
  if (!leftParts || !rightParts || leftParts.length !== 1 || leftParts[0].expr === undefined || rightParts.length > 1) {
    return convertGroupFallback([a, b], scope, lost, where);
  }
  const first = convertExpression(leftParts[0].expr, scope, lost, where);
  if (first === undefined) return undefined;
  let second;
  if (rightParts.length === 0) second = '""';
  else if (rightParts[0].text !== undefined) second = JSON.stringify(rightParts[0].text);
  else second = convertExpression(rightParts[0].expr ?? '', scope, lost, where);
  if (second === undefined) return undefined;
  const head = convertPlain(prefix, scope, lost, where);
  const tail = convertPlain(suffix, scope, lost, where);
  if (head === undefined || tail === undefined) return undefined;
  return `${head}{{ ${first} || ${second} }}${tail}`;
}

/**
 * `A || B` where the sides differ by more than one value: each side a whole concatenation in a
 * group, `{{ ("https://" ~ config.host) || ("https://" ~ config.sub ~ ".x.com") }}`; a group with
 * an unset value is unset, so B is used exactly when A reads one (Nango's rule).
 */
function convertGroupFallback(sides, scope, lost, where) {
  const groups = [];
  for (const side of sides) {
    const expression = concatenationOf(side, scope, lost, where);
    if (expression === undefined) return undefined;
    groups.push(expression.includes('~') ? `(${expression})` : expression);
  }
  return `{{ ${groups.join(' || ')} }}`;
}

/** Splits on a top-level `||` (outside `${...}`). */
function splitFallback(text) {
  const sides = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (text.startsWith('${', i)) { depth += 1; i += 1; continue; }
    if (text[i] === '}' && depth > 0) { depth -= 1; continue; }
    if (depth === 0 && text.startsWith('||', i)) { sides.push(text.slice(start, i)); start = i + 2; i += 1; }
  }
  sides.push(text.slice(start));
  return sides;
}

/**
 * A Nango template string as ours; undefined when it cannot be said (the reason in `lost`).
 * @param {unknown} value
 * @param {TemplateScope} scope
 * @param {Set<string>} lost
 * @param {string} where
 */
export function convertNangoTemplate(value, scope, lost, where) {
  const text = String(value);
  const sides = splitFallback(text);
  if (sides.length > 1) return convertFallback(sides, scope, lost, where);
  return convertPlain(text, scope, lost, where);
}

/** True when a template reads a credential or token. */
export function readsCredential(value) {
  return /\$\{[^}]*(credentials|apiKey|accessToken|username|password)/.test(String(value));
}
