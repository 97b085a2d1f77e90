import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `<dir>/<name>/connector.yaml` and returns its path (a path, so the CLI reads it directly). */
export function writeManifest(dir: string, name: string, yaml: string): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'connector.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** `CONNECTORS_SECRET_<CONNECTOR>_<NAME>` as DESIGN.md section 5 spells it. */
export function secretEnvName(connector: string, name: string): string {
  return `CONNECTORS_SECRET_${connector}_${name}`.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** A manifest of an oauth2 connector against the oidc helper's provider and resource server. */
export function oauth2Manifest(name: string, auth: Record<string, string | number | string[]>): string {
  const lines = Object.entries(auth).map(([key, value]) => `  ${key}: ${typeof value === 'number' ? value : JSON.stringify(value)}`);
  return `apiVersion: connectors/v1
name: ${name}
config:
  type: object
  properties:
    base_url: {type: string, format: uri}
    issuer: {type: string, format: uri}
auth:
  scheme: oauth2
${lines.join('\n')}
base_url: "{{ config.base_url }}"
check: {path: /me}
streams:
  - name: items
    path: /items
    records: data
    primary_key: id
`;
}
