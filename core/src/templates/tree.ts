/**
 * Templated structures: `params`, `headers`, `body`. Every string inside is compiled once; a
 * render returns a new structure, keys untouched, each string replaced by its rendered value
 * (a string that is exactly one expression keeps the value's type).
 */
import { compileTemplate } from './render.js';
import type { TemplateContext } from './references.js';

/** A compiled object, array or scalar. */
export interface CompiledTree {
  /** True when no string inside holds `{{ }}`. */
  readonly isStatic: boolean;
  /** A new structure with every template rendered. */
  render(context: TemplateContext): unknown;
}

type Renderer = (context: TemplateContext) => unknown;

/** Adds a key to an origin: `file:3:5 (streams[0].params)` + `from` -> `file:3:5 (streams[0].params.from)`. */
export function appendOrigin(origin: string | undefined, key: string | number): string {
  const step = typeof key === 'number' ? `[${key}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  if (origin === undefined) return step.startsWith('.') ? step.slice(1) : step;
  if (origin.endsWith(')')) return `${origin.slice(0, -1)}${step})`;
  return `${origin} (${step.startsWith('.') ? step.slice(1) : step})`;
}

/** How a tree renders. */
export interface CompileTreeOptions {
  /**
   * Headers and query parameters: an entry (or list item) whose template needs a declared but
   * unset (`null`) `config` or `secrets` value, or renders to the empty string, is left out
   * instead of sent empty (see `CompiledTemplate.renderOptional`).
   */
  dropEmpty?: boolean;
}

function compileNode(value: unknown, origin: string | undefined, options: CompileTreeOptions): { isStatic: boolean; render: Renderer } {
  if (typeof value === 'string') {
    const template = compileTemplate(value, origin);
    if (template.isStatic) return { isStatic: true, render: () => value };
    return { isStatic: false, render: options.dropEmpty ? template.renderOptional : template.renderValue };
  }
  if (Array.isArray(value)) {
    const items = value.map((item, index) => compileNode(item, appendOrigin(origin, index), options));
    return {
      isStatic: items.every((item) => item.isStatic),
      render: (context) => {
        const out = items.map((item) => item.render(context));
        return options.dropEmpty ? out.filter((item) => item !== undefined) : out;
      },
    };
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => [key, compileNode(item, appendOrigin(origin, key), options)] as const);
    return {
      isStatic: entries.every(([, item]) => item.isStatic),
      render: (context) => {
        const out: Record<string, unknown> = {};
        for (const [key, item] of entries) {
          const rendered = item.render(context);
          if (rendered === undefined && options.dropEmpty) continue;
          Object.defineProperty(out, key, { value: rendered, enumerable: true, writable: true, configurable: true });
        }
        return out;
      },
    };
  }
  return { isStatic: true, render: () => value };
}

/** Compiles every string of a value (deeply) once. Throws a `TemplateSyntaxError` on the first bad string. */
export function compileTemplateTree(value: unknown, origin?: string, options: CompileTreeOptions = {}): CompiledTree {
  const node = compileNode(value, origin, options);
  return { isStatic: node.isStatic, render: node.render };
}
