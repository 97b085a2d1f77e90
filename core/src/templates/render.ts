/**
 * Compiling and rendering templates. A template is parsed once ({@link compileTemplate}) and
 * rendered many times (per page); rendering walks own data properties only.
 */
import { TemplateError } from '../errors.js';
import { base64Filter, defaultFilter, toText, urlencodeFilter } from './filters.js';
import { parseTemplate, type ExpressionNode, type FilterCall } from './parse.js';
import { collectReferences, formatReference, type TemplateContext, type TemplateReference } from './references.js';

/** A parsed template, ready to render. */
export interface CompiledTemplate {
  readonly source: string;
  /** True when the source holds no `{{ }}` at all. */
  readonly isStatic: boolean;
  readonly references: TemplateReference[];
  /** The text with every expression replaced; a missing value without `| default` throws. */
  render(context: TemplateContext): string;
  /** When the source is exactly one expression, its raw value (number, boolean, object); else {@link render}. */
  renderValue(context: TemplateContext): unknown;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Reads a data path: own properties of plain objects and array indexes, nothing else. */
export function lookupPath(root: unknown, path: ReadonlyArray<string | number>): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    if (Array.isArray(value)) {
      const index = typeof key === 'number' ? key : /^\d+$/.test(key) ? Number(key) : -1;
      if (index < 0 || index >= value.length) return undefined;
      value = value[index];
    } else {
      const name = String(key);
      if (!hasOwn.call(value, name)) return undefined;
      value = (value as Record<string, unknown>)[name];
    }
  }
  return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
}

type Evaluator = (context: TemplateContext) => unknown;

function compileExpression(node: ExpressionNode, source: string, origin: string | undefined): Evaluator {
  const { namespace, path, filters } = node;
  const missing = (): never => {
    const where = origin ? ` in ${origin}` : '';
    throw new TemplateError(
      `Template \`${source.slice(node.tagStart, node.tagEnd)}\`${where} has no value for \`${formatReference(namespace, path)}\`; set it or add \`| default("...")\`.`,
      { code: 'ERR_TEMPLATE_MISSING' },
    );
  };
  const steps = filters.map((filter: FilterCall) => {
    if (filter.name === 'default') {
      const fallback = filter.args[0];
      return (value: unknown) => defaultFilter(value, fallback);
    }
    const apply = filter.name === 'base64' ? base64Filter : urlencodeFilter;
    return (value: unknown) => (value === undefined || value === null ? missing() : apply(value));
  });
  return (context) => {
    let value = hasOwn.call(context, namespace) ? lookupPath((context as Record<string, unknown>)[namespace], path) : undefined;
    for (const step of steps) value = step(value);
    return value === undefined || value === null ? missing() : value;
  };
}

/**
 * Parses a template once. `origin` says where it stands (e.g.
 * `connectors/x/connector.yaml:12:9 (streams[0].params.from)`) and appears in errors.
 * Throws a `TemplateSyntaxError` when the source does not parse.
 */
export function compileTemplate(source: string, origin?: string): CompiledTemplate {
  if (!source.includes('{{')) {
    return {
      source,
      isStatic: true,
      references: [],
      render: () => source,
      renderValue: () => source,
    };
  }
  const nodes = parseTemplate(source, origin);
  const parts: Array<string | Evaluator> = nodes.map((node) =>
    node.kind === 'text' ? node.text : compileExpression(node, source, origin),
  );
  const render = (context: TemplateContext): string => {
    let out = '';
    for (const part of parts) out += typeof part === 'string' ? part : toText(part(context));
    return out;
  };
  const single = parts.length === 1 && typeof parts[0] === 'function' ? (parts[0] as Evaluator) : undefined;
  return {
    source,
    isStatic: false,
    references: collectReferences(nodes),
    render,
    renderValue: single ?? render,
  };
}
