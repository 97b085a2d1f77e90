/**
 * Templates in a manifest: each templated string parses, and each reference names a known
 * namespace, a declared config property, a secret the scheme injects or the manifest declares,
 * and a known `page`/`state` value. Auth options may read `config` only (DESIGN.md section 8).
 */
import type { RegisteredScheme } from '../auth/registry.js';
import type { PathSegment } from '../schema/json-path.js';
import { suggest } from '../schema/suggest.js';
import { compileTemplate } from '../templates/render.js';
import { childTemplateNamespaces, formatReference, schemeTemplateNamespaces, templateNamespaces, type TemplateNamespace, type TemplateReference } from '../templates/references.js';
import { TemplateSyntaxError } from '../templates/template-syntax-error.js';
import { getSchemeOptionsValidator } from '../schema/validators.js';
import { extractSchemeOptions, isHostAuthKey } from './check-auth.js';
import type { Report } from './report.js';

/** The keys of `page` templates may read. */
export const PAGE_KEYS: readonly string[] = ['offset', 'limit', 'number', 'size', 'cursor'];
/** The keys of `state` templates may read. */
export const STATE_KEYS: readonly string[] = ['cursor'];

interface Scope {
  config: string[];
  /** The config schema's `properties`, for nested paths (`config.account.id`). */
  configProperties?: Obj;
  secrets: string[];
  /** Namespaces allowed at this field. */
  namespaces: readonly string[];
  /** A child stream's `parent.fields` names, for `parent.<name>`. */
  parentFields?: string[];
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks every templated field of a (schema-checked) manifest. */
export function checkTemplates(manifest: Obj, scheme: RegisteredScheme | undefined, report: Report): void {
  const configSchema = manifest.config;
  const config = isObject(configSchema) && isObject(configSchema.properties) ? Object.keys(configSchema.properties) : [];
  const declared = Array.isArray(manifest.secrets) ? manifest.secrets.filter(isObject).map((s) => String(s.name)) : [];
  const injected = scheme
    ? scheme.scheme.injectedSecrets.flatMap((s) => [s.name, ...(s.aliases ?? [])])
    : undefined;
  const secrets = [...new Set([...(injected ?? []), ...declared])];
  const configProperties = isObject(configSchema) && isObject(configSchema.properties) ? configSchema.properties : undefined;
  const all: Scope = { config, configProperties, secrets, namespaces: templateNamespaces };
  // Without a known scheme, secret references cannot be judged: the scheme problem is reported already.
  const checkSecrets = injected !== undefined;

  const visit = (value: unknown, segments: PathSegment[], scope: Scope): void => {
    if (typeof value === 'string') checkString(value, segments, scope, checkSecrets, report);
    else if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...segments, i], scope));
    else if (isObject(value)) for (const [key, item] of Object.entries(value)) visit(item, [...segments, key], scope);
  };

  visit(manifest.base_url, ['base_url'], all);
  visit(manifest.headers, ['headers'], all);
  visit(manifest.query, ['query'], all);
  if (isObject(manifest.check)) {
    for (const key of ['path', 'url', 'params', 'headers', 'body']) visit(manifest.check[key], ['check', key], all);
  }
  if (isObject(manifest.auth)) {
    const authScope: Scope = { config, configProperties, secrets, namespaces: ['config'] };
    // A scheme's own templates also read the secrets the user supplies to it.
    const late = scheme?.scheme.templatedOptions ?? {};
    const supplied = (scheme?.scheme.requiredSecrets ?? []).flatMap((s) => [s.name, ...(s.aliases ?? [])]);
    const schemeScope = (key: string): Scope => ({ config, configProperties, secrets: [...new Set([...supplied, ...secrets])], namespaces: late[key] ?? [] });
    for (const [key, item] of Object.entries(manifest.auth)) {
      if (isHostAuthKey(key, item)) continue;
      visit(item, ['auth', key], Object.hasOwn(late, key) ? schemeScope(key) : authScope);
    }
    // An option left to a templated default (github_app's installation_id reads
    // config.installation_id) needs what its default reads, like one written out.
    if (scheme) {
      const defaulted = structuredClone(extractSchemeOptions(manifest.auth));
      getSchemeOptionsValidator(scheme.scheme)(defaulted);
      for (const [key, item] of Object.entries(defaulted)) {
        if (Object.hasOwn(manifest.auth, key) || typeof item !== 'string' || !item.includes('{{')) continue;
        const scope = Object.hasOwn(late, key) ? schemeScope(key) : authScope;
        checkString(item, ['auth', key], scope, checkSecrets, (segments, message) => report(segments, `${message} (\`${item}\` is the default of \`${key}\`)`));
      }
    }
  }
  if (Array.isArray(manifest.streams)) {
    manifest.streams.forEach((stream, i) => {
      if (!isObject(stream)) return;
      const fields = isObject(stream.parent) && isObject(stream.parent.fields) ? Object.keys(stream.parent.fields) : undefined;
      const requestScope: Scope = fields === undefined ? all : { ...all, namespaces: [...templateNamespaces, ...childTemplateNamespaces], parentFields: fields };
      for (const key of ['path', 'url', 'params', 'headers', 'body']) visit(stream[key], ['streams', i, key], requestScope);
      if (isObject(stream.incremental)) visit(stream.incremental.start, ['streams', i, 'incremental', 'start'], all);
      if (isObject(stream.partition)) for (const key of ['start', 'end']) visit(stream.partition[key], ['streams', i, 'partition', key], all);
    });
  }
}

function checkString(source: string, segments: PathSegment[], scope: Scope, checkSecrets: boolean, report: Report): void {
  if (!source.includes('{{')) return;
  let references: TemplateReference[];
  try {
    references = compileTemplate(source).references;
  } catch (error) {
    if (!(error instanceof TemplateSyntaxError)) throw error;
    report(segments, `template error: ${error.reason}`, { offset: error.offset });
    return;
  }
  for (const reference of references) {
    const message = judgeReference(reference, scope, checkSecrets);
    if (message) report(segments, message, { offset: reference.start });
  }
}

function judgeReference(reference: TemplateReference, scope: Scope, checkSecrets: boolean): string | undefined {
  const { namespace, path } = reference;
  const written = formatReference(namespace, path);
  if (![...templateNamespaces, ...schemeTemplateNamespaces, ...childTemplateNamespaces].includes(namespace as TemplateNamespace)) {
    const known: string[] = [...new Set([...templateNamespaces, ...scope.namespaces])];
    const close = suggest(namespace, known);
    return `unknown template namespace \`${namespace}\` in \`${written}\`; known: ${known.join(', ')}${close ? `; did you mean \`${close}\`?` : ''}`;
  }
  if (!scope.namespaces.includes(namespace)) {
    if (namespace === 'parent') return `\`${written}\`: \`parent\` is only for the path, url, params, headers and body of a stream with \`parent\``;
    return `\`${written}\`: only ${scope.namespaces.map((n) => `\`${n}\``).join(', ')} may be used here`;
  }
  const first = path[0];
  if (first === undefined) return `\`${namespace}\` alone is not a value; name one, e.g. \`${namespace}.<name>\``;
  const unknown = (what: string, known: readonly string[], hint: string): string => {
    const close = suggest(first, known);
    return `${what} \`${first}\` in \`${written}\`${close ? `; did you mean \`${close}\`?` : `; ${hint}`}`;
  };
  switch (namespace) {
    case 'config':
      return scope.config.includes(first)
        ? judgeNestedConfig(path, written, scope.configProperties)
        : unknown('undeclared config property', scope.config, scope.config.length ? `declared: ${scope.config.join(', ')}` : 'declare it under `config.properties`');
    case 'secrets':
      if (!checkSecrets || scope.secrets.includes(first)) return undefined;
      return unknown(
        'undeclared secret',
        scope.secrets,
        `known: ${scope.secrets.length ? scope.secrets.join(", ") : "none"}; declare others under \`secrets\``,
      );
    case 'page':
      return PAGE_KEYS.includes(first) ? undefined : unknown('unknown page value', PAGE_KEYS, `known: ${PAGE_KEYS.join(', ')}`);
    case 'parent': {
      const fields = scope.parentFields ?? [];
      return fields.includes(first) ? undefined : unknown('unknown parent value', fields, `known (from parent.fields): ${fields.join(', ') || 'none'}`);
    }
    case 'state':
      return STATE_KEYS.includes(first) ? undefined : unknown('unknown state value', STATE_KEYS, `known: ${STATE_KEYS.join(', ')}`);
    default:
      return undefined;
  }
}

const SCALAR_TYPES = ['string', 'number', 'integer', 'boolean', 'null'];

/**
 * `config.account.id`: each segment after the first against the nested schema's `properties`,
 * where it declares them; a segment below a scalar property is an error. Schemas that declare no
 * `properties` (or allow others) accept any key below them.
 */
function judgeNestedConfig(path: readonly string[], written: string, properties: Obj | undefined): string | undefined {
  let schema: unknown = properties?.[path[0]!];
  for (let i = 1; i < path.length; i++) {
    if (!isObject(schema)) return undefined;
    const key = path[i]!;
    const at = formatReference('config', path.slice(0, i));
    if (typeof schema.type === 'string' && SCALAR_TYPES.includes(schema.type)) {
      return `\`${at}\` is a ${schema.type}, so \`${written}\` reads nothing`;
    }
    if (schema.type === 'array' || /^\d+$/.test(key)) {
      schema = schema.items;
      continue;
    }
    const nested = schema.properties;
    if (!isObject(nested)) return undefined;
    if (!Object.hasOwn(nested, key)) {
      if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) return undefined;
      const known = Object.keys(nested);
      const close = suggest(key, known);
      return `undeclared config property \`${key}\` of \`${at}\` in \`${written}\`${close ? `; did you mean \`${close}\`?` : `; declared: ${known.join(', ') || 'none'}`}`;
    }
    schema = nested[key];
  }
  return undefined;
}
