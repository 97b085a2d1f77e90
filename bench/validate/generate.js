// Writes N varied, valid manifests as a catalog: <dir>/<name>/connector.yaml.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const SCHEMES = [
  ['none', ''],
  ['basic', ''],
  ['api_key', '  in: header\n  name: X-API-Key\n'],
  ['oauth2', '  token_url: "{{ config.base_url }}/oauth/token"\n  grant_type: client_credentials\n  scopes: [read, write]\n'],
  ['jwt', '  login_url: "{{ config.base_url }}/login"\n  api_key_in: form\n  api_key_name: authCode\n'],
  ['tripletex', '  company_id: 0\n  session_days: 2\n'],
  ['superoffice', '  environment: sod\n  system_user: true\n'],
];
const SECRET = { none: '.subscription_key', basic: '.username', api_key: '.api_key', oauth2: '.oauth_access_token', jwt: '.jwt_access_token', tripletex: '.session_token', superoffice: '["SO-Apptoken"]' };
const PAGINATION = [
  '{type: offset, offset_param: from, limit_param: count, page_size: 1000}',
  '{type: page, page_param: page, size_param: per_page, page_size: 50}',
  '{type: cursor, cursor_path: paging.next.after, cursor_param: after}',
  '{type: link, limit_param: per_page, page_size: 100}',
  '{type: next_url, next_url_path: \'["odata.nextLink"]\'}',
];

/** One manifest's YAML text. */
export function manifestText(i) {
  const [scheme, options] = SCHEMES[i % SCHEMES.length];
  const name = `connector-${String(i).padStart(4, '0')}`;
  const streams = [];
  for (let s = 0; s < 3 + (i % 3); s++) {
    streams.push(
      `  - name: stream_${s}
    path: "/v1/items_${s}"
    params: {fields: "id,name,changes", from: "{{ page.offset | default(0) }}", since: "{{ state.cursor | default('2020-01-01') }}"}
    headers: {X-Tenant: "{{ config.tenant }}"}
    records: data.items
    primary_key: id
    pagination: ${PAGINATION[(i + s) % PAGINATION.length]}
    incremental: {param: changedSince, start: "{{ config.start_date }}", cursor_field: updated_at}
`,
    );
  }
  return `# yaml-language-server: $schema=https://connectors.dev/schemas/v1/connector.schema.json
apiVersion: connectors/v1
name: ${name}
title: Generated connector ${i}
version: 1.0.${i}
description: A generated manifest for the validate benchmark.
config:
  properties:
    base_url: {type: string, format: uri, default: "https://api${i}.example.com"}
    tenant: {type: string, default: t${i}}
    start_date: {type: string, default: "2020-01-01"}
secrets:
  - {name: subscription_key, description: "API gateway key"}
auth:
  scheme: ${scheme}
${options}base_url: "{{ config.base_url }}/v2"
headers:
  Accept: application/json
  X-Key: '{{ secrets${SECRET[scheme]} }}'
check: {path: /me}
retry: {limit: 3, max_delay: 4}
streams:
${streams.join('')}`;
}

/** Writes `count` manifests under `dir`; returns their file paths. */
export async function generateCatalog(dir, count) {
  const files = [];
  for (let i = 0; i < count; i++) {
    const folder = join(dir, `connector-${String(i).padStart(4, '0')}`);
    await mkdir(folder, { recursive: true });
    const file = join(folder, 'connector.yaml');
    await writeFile(file, manifestText(i));
    files.push(file);
  }
  return files;
}
