/**
 * URL fields of a manifest must be absolute http(s) URLs once rendered: `base_url`, a stream's or
 * the check's `url`, every auth option named `*_url` or `issuer` (`token_url: "{{
 * config.base_url }} x"`), and `resource` with `discovery: mcp` (the MCP server's URL).
 * Templates are rendered with the config defaults; a field whose template needs a value that has
 * no default cannot be judged before a run and is left alone.
 */
import type { PathSegment } from '../schema/json-path.js';
import { compileTemplate } from '../templates/render.js';
import { readConfigDefaults } from './check-config-defaults.js';
import type { Report } from './report.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** True when `text` is an absolute http: or https: URL. */
export function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
}

/** True for the auth option keys that hold a URL. */
export function isUrlOption(key: string): boolean {
  return key.endsWith('_url') || key === 'issuer';
}

/** Reports every URL field that renders to something other than an absolute http(s) URL. */
export function checkUrls(manifest: Obj, report: Report): void {
  const context = { config: readConfigDefaults(manifest) };
  const check = (value: unknown, segments: PathSegment[]): void => {
    if (typeof value !== 'string' || value === '') return;
    let rendered: string;
    try {
      rendered = compileTemplate(value).render(context);
    } catch {
      return; // a template error is reported by checkTemplates; a missing value is known only at run time
    }
    if (isHttpUrl(rendered)) return;
    const shown = rendered === value ? JSON.stringify(value) : `${JSON.stringify(value)} renders to ${JSON.stringify(rendered)}, which`;
    report(segments, `${shown} is not an absolute http(s) URL`);
  };
  check(manifest.base_url, ['base_url']);
  if (isObject(manifest.check)) check(manifest.check.url, ['check', 'url']);
  if (Array.isArray(manifest.streams)) {
    manifest.streams.forEach((stream, i) => {
      if (isObject(stream)) check(stream.url, ['streams', i, 'url']);
    });
  }
  if (isObject(manifest.auth)) {
    for (const [key, value] of Object.entries(manifest.auth)) if (isUrlOption(key)) check(value, ['auth', key]);
    // With `discovery: mcp` the resource is the MCP server's URL, where its metadata is found.
    if (manifest.auth.discovery === 'mcp') check(manifest.auth.resource, ['auth', 'resource']);
  }
}
