// The editor's view of `auth`: one `if {scheme: const X} then {...}` branch per scheme, with the
// scheme's options schema inlined. Inlined, not `$ref`ed: yaml-language-server resolves a `$ref`
// to another file against the `$id`, over the network. `if`/`then`, not `oneOf`: with `oneOf` its
// messages name whichever branch failed least, often the wrong scheme's.

/** Where the branches live in the connector schema: `$defs.auth.allOf`. */
export const AUTH_BRANCHES_PATH = ['$defs', 'auth', 'allOf'];

/** The `auth` keys that belong to the host, not to a scheme; every branch allows them. */
export const HOST_AUTH_KEYS = ['scheme', 'refresh_before', 'apply'];

/** Rewrites `#/$defs/X` (and `#/definitions/X`) refs of a scheme's schema to the hoisted names. */
function rewriteRefs(node, rename) {
  if (Array.isArray(node)) return node.map((item) => rewriteRefs(item, rename));
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === '$ref' && typeof value === 'string' ? rename(value) : rewriteRefs(value, rename);
  }
  return out;
}

/**
 * One scheme's branch, and the definitions its options schema carried (hoisted to the root
 * `$defs` as `scheme.<name>.<def>`, since a local `$ref` resolves against the connector schema).
 * A scheme without an options schema gets an open branch.
 */
export function buildSchemeBranch(name, options) {
  const condition = { properties: { scheme: { const: name } }, required: ['scheme'] };
  if (!options || typeof options !== 'object') return { branch: { if: condition, then: {} }, defs: {} };
  const { $schema: _schema, $id: _id, $defs, definitions, ...rest } = options;
  const defs = {};
  const hoisted = (group, def) => `scheme.${name}.${group === 'definitions' ? 'definitions.' : ''}${def}`;
  const rename = (ref) => {
    const match = /^#\/(\$defs|definitions)\/([^/]+)(.*)$/.exec(ref);
    return match ? `#/$defs/${hoisted(match[1], match[2]).replace(/~/g, '~0').replace(/\//g, '~1')}${match[3]}` : ref;
  };
  for (const [group, table] of [['$defs', $defs], ['definitions', definitions]]) {
    for (const [def, schema] of Object.entries(table ?? {})) defs[hoisted(group, def)] = rewriteRefs(schema, rename);
  }
  const then = rewriteRefs(rest, rename);
  const hostKeys = Object.fromEntries(HOST_AUTH_KEYS.map((key) => [key, true]));
  then.properties = { ...hostKeys, ...(then.properties ?? {}) };
  return { branch: { if: condition, then }, defs };
}

/** The branches of several schemes, in the order given, and the definitions they hoisted. */
export function buildSchemeBranches(schemes) {
  const branches = [];
  const defs = {};
  for (const { name, options } of schemes) {
    const built = buildSchemeBranch(name, options);
    branches.push(built.branch);
    Object.assign(defs, built.defs);
  }
  return { branches, defs };
}

/** The schema without the editor's branches: for validators that check scheme options themselves. */
export function withoutSchemeBranches(schema) {
  const copy = structuredClone(schema);
  delete copy.$defs.auth.allOf;
  return copy;
}
