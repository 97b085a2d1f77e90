import type { Operand, TemplateNode } from './parse.js';

/** The namespaces a template may read. */
export type TemplateNamespace = 'config' | 'secrets' | 'auth' | 'state' | 'page' | 'session' | 'parent';

/** Every namespace of the manifest's own fields, in the order messages list them. */
export const templateNamespaces: readonly TemplateNamespace[] = ['config', 'secrets', 'auth', 'state', 'page'];

/**
 * Namespaces only a scheme's own templates read (see `AuthScheme.templatedOptions`): `session`,
 * the session the scheme itself made (`{{ session.token }}`).
 */
export const schemeTemplateNamespaces: readonly TemplateNamespace[] = ['session'];

/**
 * Namespaces only a child stream's own templates read (path, url, params, headers, body):
 * `parent`, the values its `parent.fields` take from the parent record (`{{ parent.project_id }}`).
 */
export const childTemplateNamespaces: readonly TemplateNamespace[] = ['parent'];

/**
 * The values a template renders with, by namespace, and the clock `{{ now }}` reads (the
 * runtime's; the system clock when absent).
 */
export type TemplateContext = Partial<Record<TemplateNamespace, unknown>> & { now?: () => Date };

/** One data path a template reads. Offsets are into the template source. */
export interface TemplateReference {
  /** As written: may be a namespace that does not exist (validation reports it). */
  namespace: string;
  /** The keys after the namespace; indexes as decimal strings. */
  path: string[];
  /** Offset of the namespace's first character. */
  start: number;
  /** Offset just after the path. */
  end: number;
}

/** True for a namespace templates may read. */
export function isTemplateNamespace(name: string): name is TemplateNamespace {
  return (templateNamespaces as readonly string[]).includes(name) || (schemeTemplateNamespaces as readonly string[]).includes(name) || (childTemplateNamespaces as readonly string[]).includes(name);
}

/** The data paths of parsed template nodes (every operand of `~` and `||`, inside groups too), in source order. */
export function collectReferences(nodes: readonly TemplateNode[]): TemplateReference[] {
  const references: TemplateReference[] = [];
  const visit = (operands: readonly Operand[]): void => {
    for (const operand of operands) {
      if (operand.kind === 'group') visit(operand.parts.flat());
      else if (operand.kind === 'path') references.push({ namespace: operand.namespace, path: operand.path.map(String), start: operand.start, end: operand.end });
    }
  };
  for (const node of nodes) if (node.kind === 'expression') visit(node.parts.flat());
  return references;
}

/** Writes a reference the way a template would: `secrets["SO-Apptoken"]`, `page.offset`. */
export function formatReference(namespace: string, path: ReadonlyArray<string | number>): string {
  let text = namespace;
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) text += `.${key}`;
    else text += `[${JSON.stringify(key)}]`;
  }
  return text;
}
