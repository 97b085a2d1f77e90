import { ManifestError } from '../errors.js';
import type { RuntimeHttpRequestOptions } from '../http/types.js';
import type { Manifest, StreamDefinition } from '../manifest/types.js';
import {
  appendOrigin,
  compileTemplate,
  compileTemplateTree,
  toText,
  type CompiledTree,
  type TemplateContext,
} from '../templates/index.js';
import type { Session } from '../plugin-api.js';
import type { PageToken } from './pagination/index.js';

/**
 * A stream's request, compiled once per run and built once per page: base_url + path (or an
 * absolute `url`), method, query params, headers (the manifest's, then the stream's), JSON body
 * for POST, and the retry policy (the stream's, else the manifest's).
 *
 * Query order and precedence: the manifest's top-level `query`, then the stream's `params`, then
 * the incremental parameter, then the paginator's parameters (each later one replaces an earlier
 * one of the same name). When the
 * stream places page values itself (a `{{ page.* }}` template in `params` or `body`), the
 * paginator's own query parameters are not added: the manifest decides where they go. A page
 * fetched from a next URL (link, next_url) uses that URL as given, adding only a page-size
 * parameter and the top-level `query` parameters it lacks; headers, method and body stay the stream's.
 */
export interface StreamRequestBuilder {
  /** True when the stream's params or body place `{{ page.* }}` values themselves. */
  readonly placesPageValues: boolean;
  /**
   * The request for one page. `context` must hold `page` (the token's values). Headers and query
   * parameters templated from `secrets` or `auth` go into `sessionTemplates`, rendered again before
   * every attempt with the session's values from `forSession` (the retry after a renewal carries
   * the new token) and never sent to another origin.
   */
  build(context: TemplateContext, token: PageToken, incremental?: IncrementalParam, forSession?: SessionValues): RuntimeHttpRequestOptions;
}

/** The `secrets` and `auth` template values that go with a session. */
export type SessionValues = (session: Session) => Pick<TemplateContext, 'secrets' | 'auth'>;

/** The template namespaces that carry session values. */
const SESSION_NAMESPACES = ['secrets', 'auth'];

function readsSession(value: unknown): boolean {
  return SESSION_NAMESPACES.some((namespace) => readsNamespace(value, namespace));
}

/** Splits a map of templates into the ones that read session values and the others. */
function splitBySession(values: Record<string, unknown> | undefined): [Record<string, unknown>, Record<string, unknown>] {
  const plain: Record<string, unknown> = {};
  const session: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values ?? {})) (readsSession(value) ? session : plain)[name] = value;
  return [plain, session];
}

/** The incremental query parameter and the value it receives. */
export interface IncrementalParam {
  name: string;
  value: string;
}

/** Where a stream stands, for template errors: `connector.yaml (streams[2])`. */
export function streamOrigin(manifest: Manifest, stream: StreamDefinition, manifestOrigin?: string): string {
  const index = manifest.streams.indexOf(stream);
  const streams = appendOrigin(manifestOrigin ?? 'the manifest', 'streams');
  return index < 0 ? streams : appendOrigin(streams, index);
}

/**
 * Compiles a stream's request templates.
 * @param manifestOrigin where the manifest stands (its file), for template errors.
 * @throws ManifestError when the stream has neither `url` nor a manifest `base_url`.
 * @throws TemplateSyntaxError when a template does not parse.
 */
export function compileStreamRequest(manifest: Manifest, stream: StreamDefinition, manifestOrigin?: string): StreamRequestBuilder {
  const origin = streamOrigin(manifest, stream, manifestOrigin);
  const at = (key: string): string => appendOrigin(origin, key);
  const method = (stream.method ?? 'GET').toUpperCase();
  let urlTemplate: CompiledTree;
  if (stream.url !== undefined) {
    urlTemplate = compileTemplateTree(stream.url, at('url'));
  } else {
    if (manifest.base_url === undefined) {
      throw new ManifestError(`Stream "${stream.name}" has no \`url\` and the manifest has no \`base_url\`.`);
    }
    const base = compileTemplateTree(manifest.base_url, appendOrigin(manifestOrigin ?? 'the manifest', 'base_url'));
    const path = compileTemplateTree(stream.path ?? '', at('path'));
    urlTemplate = {
      isStatic: base.isStatic && path.isStatic,
      render: (context) => joinUrl(toText(base.render(context)), toText(path.render(context))),
    };
  }
  const [plainParams, sessionParamValues] = splitBySession(stream.params);
  // The stream's own params win over the top-level query of the same name, whichever reads the session.
  const ownParams = new Set(Object.keys(stream.params ?? {}));
  const sharedQuery = Object.fromEntries(Object.entries(manifest.query ?? {}).filter(([name]) => !ownParams.has(name)));
  const [plainQuery, sessionQueryValues] = splitBySession(sharedQuery);
  const [plainManifestHeaders, sessionManifestHeaderValues] = splitBySession(manifest.headers);
  const [plainStreamHeaders, sessionStreamHeaderValues] = splitBySession(stream.headers);
  // Headers and query parameters drop out when an optional value they read is unset.
  const drop = { dropEmpty: true };
  const queryOrigin = appendOrigin(manifestOrigin ?? 'the manifest', 'query');
  const query = compileTemplateTree(plainQuery, queryOrigin, drop);
  const sessionQuery = compileTemplateTree(sessionQueryValues, queryOrigin, drop);
  const params = compileTemplateTree(plainParams, at('params'), drop);
  const sessionParams = compileTemplateTree(sessionParamValues, at('params'), drop);
  const manifestHeaders = compileTemplateTree(plainManifestHeaders, appendOrigin(manifestOrigin ?? 'the manifest', 'headers'), drop);
  const sessionManifestHeaders = compileTemplateTree(sessionManifestHeaderValues, appendOrigin(manifestOrigin ?? 'the manifest', 'headers'), drop);
  const streamHeaders = compileTemplateTree(plainStreamHeaders, at('headers'), drop);
  const sessionStreamHeaders = compileTemplateTree(sessionStreamHeaderValues, at('headers'), drop);
  const hasSessionTemplates =
    Object.keys(sessionParamValues).length +
      Object.keys(sessionQueryValues).length +
      Object.keys(sessionManifestHeaderValues).length +
      Object.keys(sessionStreamHeaderValues).length >
    0;
  const body = method === 'POST' && stream.body !== undefined ? compileTemplateTree(stream.body, at('body')) : undefined;
  const retry = stream.retry ?? manifest.retry;
  const timeout = stream.timeout ?? manifest.timeout;
  const placesPageValues = readsNamespace(stream.params, 'page') || (body !== undefined && readsNamespace(stream.body, 'page'));

  const cache = new Map<CompiledTree, unknown>();
  const render = (tree: CompiledTree, context: TemplateContext): unknown => {
    if (!tree.isStatic) return tree.render(context);
    if (!cache.has(tree)) cache.set(tree, tree.render(context));
    return cache.get(tree);
  };

  return {
    placesPageValues,
    build(context, token, incremental, forSession) {
      let url: URL;
      if (token.url !== undefined) {
        url = new URL(token.url);
        for (const [name, value] of Object.entries(token.params)) {
          if (!url.searchParams.has(name)) url.searchParams.set(name, value);
        }
        const lacking = new URLSearchParams();
        appendQuery(lacking, render(query, context) as Record<string, unknown>);
        for (const [name, value] of lacking) if (!url.searchParams.has(name)) url.searchParams.append(name, value);
      } else {
        url = parseUrl(toText(render(urlTemplate, context)), stream.name);
        appendQuery(url.searchParams, render(query, context) as Record<string, unknown>);
        appendQuery(url.searchParams, render(params, context) as Record<string, unknown>);
        if (incremental !== undefined) url.searchParams.set(incremental.name, incremental.value);
        if (!placesPageValues) {
          for (const [name, value] of Object.entries(token.params)) url.searchParams.set(name, value);
        }
      }
      const headers: Record<string, string> = {};
      addHeaders(headers, render(manifestHeaders, context) as Record<string, unknown>);
      addHeaders(headers, render(streamHeaders, context) as Record<string, unknown>);
      // Stream headers replace manifest headers of the same name, whichever of them reads the session.
      for (const name of Object.keys(sessionStreamHeaderValues)) deleteHeader(headers, name);
      const request: RuntimeHttpRequestOptions = { method, url: url.href, headers };
      if (hasSessionTemplates) {
        const withParams = token.url === undefined;
        const overridden = new Set([...Object.keys(plainStreamHeaders), ...Object.keys(sessionStreamHeaderValues)].map((name) => name.toLowerCase()));
        request.sessionTemplates = (session) => {
          const values = session !== undefined && forSession !== undefined ? { ...context, ...forSession(session) } : context;
          const sessionHeaders: Record<string, string> = {};
          const manifestValues = sessionManifestHeaders.render(values) as Record<string, unknown>;
          for (const name of Object.keys(manifestValues)) if (overridden.has(name.toLowerCase())) delete manifestValues[name];
          addHeaders(sessionHeaders, manifestValues);
          addHeaders(sessionHeaders, sessionStreamHeaders.render(values) as Record<string, unknown>);
          const search = new URLSearchParams();
          if (withParams) appendQuery(search, sessionParams.render(values) as Record<string, unknown>);
          const shared = new URLSearchParams();
          appendQuery(shared, sessionQuery.render(values) as Record<string, unknown>);
          // On a next-page URL, only the ones it lacks.
          const given = token.url === undefined ? undefined : new URL(token.url).searchParams;
          for (const [name, value] of shared) if (!given?.has(name)) search.append(name, value);
          return { headers: sessionHeaders, searchParams: [...search] };
        };
      }
      if (body !== undefined) request.json = render(body, context);
      if (retry !== undefined) request.retry = retry;
      if (timeout !== undefined) request.timeout = timeout;
      return request;
    },
  };
}

/** Joins base_url and path with exactly one `/` between them. An empty path gives base_url. */
export function joinUrl(base: string, path: string): string {
  if (path === '') return base;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

function parseUrl(text: string, stream: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new ManifestError(`Stream "${stream}" has a URL that is not absolute once rendered; check \`base_url\`, \`path\` or \`url\`.`);
  }
}

function appendQuery(search: URLSearchParams, params: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) if (item !== undefined && item !== null) search.append(name, toText(item));
    } else {
      search.append(name, toText(value));
    }
  }
}

function addHeaders(headers: Record<string, string>, values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    // Later (stream) headers replace earlier (manifest) ones whatever their case.
    deleteHeader(headers, name);
    headers[name] = toText(value);
  }
}

function deleteHeader(headers: Record<string, string>, name: string): void {
  for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
}

/** True when any string inside `value` holds a template reading `namespace`. */
export function readsNamespace(value: unknown, namespace: string): boolean {
  if (typeof value === 'string') {
    return value.includes('{{') && compileTemplate(value).references.some((ref) => ref.namespace === namespace);
  }
  if (Array.isArray(value)) return value.some((item) => readsNamespace(item, namespace));
  if (value !== null && typeof value === 'object') return Object.values(value).some((item) => readsNamespace(item, namespace));
  return false;
}
