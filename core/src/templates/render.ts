/**
 * Compiling and rendering templates. A template is parsed once ({@link compileTemplate}) and
 * rendered many times (per page); rendering walks own data properties only.
 */
import { TemplateError } from '../errors.js';
import { base64Filter, defaultFilter, isoFilter, toText, unixFilter, urlencodeFilter } from './filters.js';
import { parseTemplate, type ExpressionNode, type FilterCall, type Operand, type PathOperand } from './parse.js';
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
  /**
   * For a header or query parameter: {@link renderValue}, but `undefined` (leave it out) when a
   * `config` or `secrets` value it needs is declared and unset (its key holds `null`), or when it
   * renders to the empty string. Other missing values (an absent key, `auth`, `state`, `page`) still throw.
   */
  renderOptional(context: TemplateContext): unknown;
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

/** The value an expression could not find: the path that has none. */
class MissingValue {
  constructor(
    readonly operand: PathOperand,
    /** The key is there, holding `null`: a declared value left unset (an optional secret, a config property). */
    readonly declared: boolean,
  ) {}
}

/** True when the path's last key is an own property holding null or undefined. */
function isDeclaredUnset(root: unknown, path: ReadonlyArray<string | number>): boolean {
  if (path.length === 0) return false;
  const parent = lookupPath(root, path.slice(0, -1));
  return parent !== null && typeof parent === 'object' && !Array.isArray(parent) && hasOwn.call(parent, String(path[path.length - 1]));
}

type Evaluator = (context: TemplateContext) => unknown;

/**
 * Namespaces whose declared-but-unset values (the key present, holding `null`) make a header or
 * query value drop out (see `renderOptional`). The runtime puts `null` there for a config property
 * the schema declares and nobody set, and for an optional secret nobody set.
 */
const OPTIONAL_NAMESPACES: readonly string[] = ['config', 'secrets'];

function readClock(context: TemplateContext): Date {
  return typeof context.now === 'function' ? context.now() : new Date();
}

function evaluateOperand(operand: Operand, context: TemplateContext): unknown {
  if (operand.kind === 'literal') return operand.value;
  if (operand.kind === 'now') return readClock(context);
  if (operand.kind === 'group') return applyFilters(operand.filters.map(compileFilter), evaluateConcat(operand.parts, context));
  const root = hasOwn.call(context, operand.namespace) ? (context as Record<string, unknown>)[operand.namespace] : undefined;
  const value = lookupPath(root, operand.path);
  return value === undefined || value === null ? new MissingValue(operand, isDeclaredUnset(root, operand.path)) : value;
}

/** `a || b || "x"`: the first value that is set and not the empty string, else the last one. */
function evaluateFallback(chain: readonly Operand[], context: TemplateContext): unknown {
  let value: unknown;
  for (const operand of chain) {
    value = evaluateOperand(operand, context);
    if (!(value instanceof MissingValue) && value !== '') return value;
  }
  return value;
}

/** `a ~ b`: the parts' text forms joined; one part keeps its value's type. Missing if any part is. */
function evaluateConcat(parts: readonly Operand[][], context: TemplateContext): unknown {
  if (parts.length === 1) return evaluateFallback(parts[0]!, context);
  let text = '';
  for (const part of parts) {
    const value = evaluateFallback(part, context);
    if (value instanceof MissingValue) return value;
    text += toText(value);
  }
  return text;
}

function compileFilter(filter: FilterCall): (value: unknown) => unknown {
  if (filter.name === 'default') {
    const fallback = filter.args[0];
    return (value) => (value instanceof MissingValue ? fallback : defaultFilter(value, fallback));
  }
  const apply = { base64: base64Filter, urlencode: urlencodeFilter, unix: unixFilter, iso: isoFilter }[filter.name];
  return (value) => (value instanceof MissingValue ? value : apply(value));
}

function applyFilters(steps: ReadonlyArray<(value: unknown) => unknown>, value: unknown): unknown {
  let result = value;
  for (const step of steps) result = step(result);
  return result;
}

/** The expression's value, or a {@link MissingValue}. */
function compileExpression(node: ExpressionNode): Evaluator {
  const steps = node.filters.map(compileFilter);
  return (context) => applyFilters(steps, evaluateConcat(node.parts, context));
}

function missingError(value: MissingValue, tag: string, origin: string | undefined): TemplateError {
  const where = origin ? ` in ${origin}` : '';
  return new TemplateError(
    `Template \`${tag}\`${where} has no value for \`${formatReference(value.operand.namespace, value.operand.path)}\`; set it or add \`| default("...")\`.`,
    { code: 'ERR_TEMPLATE_MISSING' },
  );
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
      renderOptional: () => source,
    };
  }
  const nodes = parseTemplate(source, origin);
  const parts: Array<string | { tag: string; evaluate: Evaluator }> = nodes.map((node) =>
    node.kind === 'text' ? node.text : { tag: source.slice(node.tagStart, node.tagEnd), evaluate: compileExpression(node) },
  );
  /** The value (one expression) or text; a missing value is returned, not thrown. */
  const evaluate = (context: TemplateContext): unknown => {
    if (parts.length === 1 && typeof parts[0] !== 'string') return parts[0]!.evaluate(context);
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      const value = part.evaluate(context);
      if (value instanceof MissingValue) return value;
      out += toText(value);
    }
    return out;
  };
  const strict = (context: TemplateContext): unknown => {
    const value = evaluate(context);
    if (value instanceof MissingValue) {
      const part = parts.find((p) => typeof p !== 'string' && p.evaluate(context) instanceof MissingValue);
      throw missingError(value, typeof part === 'object' ? part.tag : source, origin);
    }
    return value;
  };
  return {
    source,
    isStatic: false,
    references: collectReferences(nodes),
    render: (context) => toText(strict(context)),
    renderValue: strict,
    renderOptional(context) {
      const value = evaluate(context);
      if (value instanceof MissingValue) {
        if (value.declared && OPTIONAL_NAMESPACES.includes(value.operand.namespace)) return undefined;
        return strict(context);
      }
      return value === '' ? undefined : value;
    },
  };
}
