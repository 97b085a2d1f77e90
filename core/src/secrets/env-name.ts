/**
 * The environment variable that holds a secret (DESIGN.md section 5):
 * `CONNECTORS_SECRET_<CONNECTOR>_<NAME>`, upper-cased, every character outside A-Z0-9 turned
 * into `_`. `secretEnvName('superoffice', 'SO-Apptoken')` is `CONNECTORS_SECRET_SUPEROFFICE_SO_APPTOKEN`.
 */
export function secretEnvName(connector: string, secret: string): string {
  return `CONNECTORS_SECRET_${toEnvPart(connector)}_${toEnvPart(secret)}`;
}

/** The same name for any connector, as `connectors schemes` shows it: `CONNECTORS_SECRET_<CONNECTOR>_<NAME>`. */
export function secretEnvPattern(secret: string): string {
  return `CONNECTORS_SECRET_<CONNECTOR>_${toEnvPart(secret)}`;
}

function toEnvPart(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}
