// Broken manifests that `connectors validate` rejects and that an editor can flag from the schema
// alone (issue 9): the YAML and structure mistakes of issue 3's fixtures, misspelt keys, wrong
// values, and mistakes inside `auth:`. Shared by test/editor.e2e.test.ts and bench/editor/run.js.
// Plain JavaScript, so that the bench script can use it without a build.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const validateFixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'validate');

/** The valid manifest the edits start from (test/fixtures/validate/valid.yaml without its comment). */
export const baseManifest = readFileSync(join(validateFixtures, 'valid.yaml'), 'utf8').replace(/^#.*\n/, '');

const BASE_AUTH = '  scheme: api_key\n  in: header\n  name: X-Key\n';

/** `text` with `from` replaced by `to`; throws when `from` is not there, so a case cannot rot. */
function edit(text, from, to) {
  if (!text.includes(from)) throw new Error(`the base manifest has no ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

/** The base manifest with its auth block replaced by `lines`. */
function withAuth(lines) {
  return edit(baseManifest, BASE_AUTH, lines.map((line) => `  ${line}\n`).join(''));
}

const fixture = (name) => readFileSync(join(validateFixtures, name), 'utf8');

/**
 * @typedef {object} BrokenManifest
 * @property {string} name what is wrong, as a test title
 * @property {string} text the manifest
 * @property {string | null} at a text on the line the editor must flag (its first line holding it),
 *   or null where the server reports the mistake elsewhere (a list document, a missing top-level key)
 * @property {boolean} [plugins] true when the published schema must let it pass because a plugin
 *   may define it (an unknown scheme): only the project schema of `connectors schema` flags it
 */

/** @type {BrokenManifest[]} */
export const brokenManifests = [
  { name: 'a YAML syntax error (an unclosed flow sequence)', text: fixture('syntax-error.yaml'), at: null },
  { name: 'a tab used for indentation', text: fixture('tab-indented.yaml'), at: '\tscheme' },
  { name: 'a list instead of a mapping', text: fixture('list.yaml'), at: null },
  { name: 'a duplicate top-level key', text: fixture('duplicate-key.yaml'), at: 'title: Again' },
  { name: 'a duplicate key inside auth', text: fixture('duplicate-nested-key.yaml'), at: 'in: header' },
  { name: 'a misspelt top-level key (titel)', text: edit(baseManifest, 'title: Acme', 'titel: Acme'), at: 'titel' },
  { name: 'a misspelt stream key (recods)', text: edit(baseManifest, 'records: data', 'recods: data'), at: 'recods' },
  { name: 'a misspelt pagination key (page_sise)', text: edit(baseManifest, 'page_size: 50', 'page_sise: 50'), at: 'page_sise' },
  { name: 'a wrong pagination type (ofset)', text: fixture('wrong-enum.yaml'), at: 'type: ofset' },
  { name: 'a page_size that is not an integer', text: fixture('wrong-type.yaml'), at: 'page_size: fifty' },
  { name: 'the wrong apiVersion', text: edit(baseManifest, 'connectors/v1', 'connectors/v2'), at: 'apiVersion' },
  { name: 'a name that is not lower-case', text: edit(baseManifest, 'name: acme', 'name: Acme Corp'), at: 'name: Acme Corp' },
  { name: 'no streams', text: edit(baseManifest, baseManifest.slice(baseManifest.indexOf('streams:')), ''), at: null },
  { name: 'an unknown HTTP method', text: edit(baseManifest, 'path: /contacts', 'path: /contacts\n    method: FETCH'), at: 'method: FETCH' },
  { name: 'cursor pagination without cursor_path', text: edit(baseManifest, 'type: offset\n      page_size: 50', 'type: cursor'), at: 'pagination:' },
  { name: 'a negative timeout', text: edit(baseManifest, 'streams:', 'timeout: -5\nstreams:'), at: 'timeout: -5' },
  { name: 'a secret declaration without a name', text: edit(baseManifest, 'auth:', 'secrets:\n  - {description: A key}\nauth:'), at: '- {description' },
  // Inside auth: the eight mistakes of issue 9, and three more.
  { name: 'auth: oauth2 without token_url', text: fixture('missing-option.yaml'), at: 'auth:' },
  { name: 'auth: oauth2 with token_ulr (a typo)', text: withAuth(['scheme: oauth2', 'token_ulr: https://api.acme.example/oauth/token']), at: 'token_ulr' },
  { name: 'auth: api_key with in: body', text: edit(baseManifest, 'in: header', 'in: body'), at: 'in: body' },
  { name: 'auth: api_key with inn (a typo)', text: edit(baseManifest, 'in: header', 'inn: header'), at: 'inn: header' },
  { name: 'auth: an unknown scheme (apikey)', text: fixture('unknown-scheme.yaml'), at: 'scheme: apikey', plugins: true },
  { name: "auth: api_key with oauth2's token_url", text: withAuth(['scheme: api_key', 'token_url: https://api.acme.example/oauth/token']), at: 'token_url' },
  { name: "auth: basic with api_key's in and name", text: withAuth(['scheme: basic', 'in: header', 'name: X-Key']), at: 'in: header' },
  { name: "auth: oauth2 with jwt's login_url", text: withAuth(['scheme: oauth2', 'token_url: https://api.acme.example/oauth/token', 'login_url: https://api.acme.example/login']), at: 'login_url' },
  { name: 'auth: oauth2 with an unknown client_auth', text: withAuth(['scheme: oauth2', 'token_url: https://api.acme.example/oauth/token', 'client_auth: client_secret_basics']), at: 'client_auth' },
  { name: 'auth: jwt without login_url', text: withAuth(['scheme: jwt', 'api_key_in: header']), at: 'auth:' },
  { name: 'auth: tripletex with a company_id that is not an integer', text: withAuth(['scheme: tripletex', 'company_id: main']), at: 'company_id' },
  { name: 'auth: a negative refresh_before', text: withAuth(['scheme: api_key', 'refresh_before: -1']), at: 'refresh_before' },
];

/** The 0-based line of the first line of `text` that holds `at`. */
export function lineOf(text, at) {
  const index = text.split('\n').findIndex((line) => line.includes(at));
  if (index < 0) throw new Error(`the manifest has no line with ${JSON.stringify(at)}`);
  return index;
}

/** `text` with its first line a modeline pointing the YAML language server at `schemaPath`. */
export function withSchemaModeline(text, schemaPath) {
  const modeline = `# yaml-language-server: $schema=${schemaPath}\n`;
  return text.startsWith('# yaml-language-server:') ? text.replace(/^.*\n/, modeline) : modeline + text;
}
