/**
 * The template parser. A template is text with `{{ expression }}` tags; an expression is a data
 * path (`ns.a.b`, `ns["odd-name"]`, `ns.list[0]`) followed by filters (`| base64`,
 * `| urlencode`, `| default("x")`). There are no calls, operators or lookups beyond own data
 * properties: a template cannot execute anything.
 */
import { filterArity, isFilterName, type FilterName } from './filters.js';
import { TemplateSyntaxError } from './template-syntax-error.js';

/** One filter application. */
export interface FilterCall {
  name: FilterName;
  args: unknown[];
}

/** A parsed `{{ ... }}` tag. Offsets are into the template source. */
export interface ExpressionNode {
  kind: 'expression';
  namespace: string;
  path: Array<string | number>;
  filters: FilterCall[];
  /** The expression text between the braces, trimmed, e.g. `config.base_url | urlencode`. */
  text: string;
  /** Offset of the first character of the namespace. */
  start: number;
  /** Offset just after the path (before any filter). */
  end: number;
  /** Offset of `{{` and just after `}}`. */
  tagStart: number;
  tagEnd: number;
}

export interface TextNode {
  kind: 'text';
  text: string;
}

export type TemplateNode = TextNode | ExpressionNode;

type TokenKind = 'ident' | 'string' | 'number' | 'punct' | 'close';
interface Token {
  kind: TokenKind;
  value: string;
  literal?: unknown;
  start: number;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };

/** Splits a template into text and expression nodes; throws {@link TemplateSyntaxError}. */
export function parseTemplate(source: string, origin?: string): TemplateNode[] {
  const nodes: TemplateNode[] = [];
  let pos = 0;
  while (pos < source.length) {
    const open = source.indexOf('{{', pos);
    if (open < 0) {
      nodes.push({ kind: 'text', text: source.slice(pos) });
      break;
    }
    if (open > pos) nodes.push({ kind: 'text', text: source.slice(pos, open) });
    const expression = parseTag(source, open, origin);
    nodes.push(expression);
    pos = expression.tagEnd;
  }
  return nodes;
}

function parseTag(source: string, open: number, origin?: string): ExpressionNode {
  const tokens = tokenize(source, open + 2, open, origin);
  const fail = (reason: string, offset: number): never => {
    throw new TemplateSyntaxError(reason, offset, origin);
  };
  let i = 0;
  const peek = (): Token => tokens[i]!;
  const next = (): Token => tokens[i++]!;
  const closeToken = tokens[tokens.length - 1]!;

  const head = next();
  if (head.kind === 'close') fail('empty expression `{{ }}`', open);
  if (head.kind !== 'ident') fail(`an expression must start with a namespace name, found \`${head.value}\``, head.start);
  const path: Array<string | number> = [];
  let end = head.start + head.value.length;
  for (;;) {
    const t = peek();
    if (t.kind === 'punct' && t.value === '.') {
      next();
      const key = next();
      if (key.kind !== 'ident') fail(`expected a name after \`.\`, found \`${key.value || '}}'}\``, key.start);
      path.push(key.value);
      end = key.start + key.value.length;
    } else if (t.kind === 'punct' && t.value === '[') {
      next();
      const key = next();
      if (key.kind === 'string') path.push(key.literal as string);
      else if (key.kind === 'number' && /^\d+$/.test(key.value)) path.push(Number(key.value));
      else fail(`expected a quoted name or an index inside \`[ ]\`, found \`${key.value || '}}'}\``, key.start);
      const closeBracket = next();
      if (!(closeBracket.kind === 'punct' && closeBracket.value === ']')) fail('expected `]`', closeBracket.start);
      end = closeBracket.start + 1;
    } else break;
  }
  const filters: FilterCall[] = [];
  while (peek().kind === 'punct' && peek().value === '|') {
    next();
    const name = next();
    if (name.kind !== 'ident') fail(`expected a filter name after \`|\`, found \`${name.value || '}}'}\``, name.start);
    if (!isFilterName(name.value)) {
      fail(`unknown filter \`${name.value}\` (available: base64, urlencode, default)`, name.start);
    }
    const filterName = name.value as FilterName;
    const args: unknown[] = [];
    if (peek().kind === 'punct' && peek().value === '(') {
      next();
      while (!(peek().kind === 'punct' && peek().value === ')')) {
        const arg = next();
        if (arg.kind === 'string' || arg.kind === 'number') args.push(arg.literal);
        else if (arg.kind === 'ident' && (arg.value === 'true' || arg.value === 'false' || arg.value === 'null')) {
          args.push(arg.value === 'null' ? null : arg.value === 'true');
        } else fail(`expected a literal argument for \`${filterName}\`, found \`${arg.value || '}}'}\``, arg.start);
        if (peek().kind === 'punct' && peek().value === ',') next();
        else if (!(peek().kind === 'punct' && peek().value === ')')) fail('expected `,` or `)`', peek().start);
      }
      next();
    }
    const [min, max] = filterArity[filterName];
    if (args.length < min || args.length > max) {
      fail(`filter \`${filterName}\` takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, got ${args.length}`, name.start);
    }
    filters.push({ name: filterName, args });
  }
  const rest = peek();
  if (rest.kind !== 'close') fail(`unexpected \`${rest.value}\` in expression`, rest.start);
  return {
    kind: 'expression',
    namespace: head.value,
    path,
    filters,
    text: source.slice(open + 2, closeToken.start).trim(),
    start: head.start,
    end,
    tagStart: open,
    tagEnd: closeToken.start + 2,
  };
}

/** Tokens of one tag, ending with the `close` token (`}}`). */
function tokenize(source: string, from: number, open: number, origin?: string): Token[] {
  const tokens: Token[] = [];
  let pos = from;
  const fail = (reason: string, offset: number): never => {
    throw new TemplateSyntaxError(reason, offset, origin);
  };
  for (;;) {
    if (pos >= source.length) fail('unclosed `{{` (no matching `}}`)', open);
    const ch = source[pos]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      pos++;
    } else if (ch === '}' && source[pos + 1] === '}') {
      tokens.push({ kind: 'close', value: '', start: pos });
      return tokens;
    } else if (ch === '{') {
      fail(source[pos + 1] === '{' ? 'nested `{{` inside an expression' : 'unexpected `{` in expression', pos);
    } else if (IDENT_START.test(ch)) {
      const start = pos;
      while (pos < source.length && IDENT_PART.test(source[pos]!)) pos++;
      tokens.push({ kind: 'ident', value: source.slice(start, pos), start });
    } else if (DIGIT.test(ch) || (ch === '-' && DIGIT.test(source[pos + 1] ?? ''))) {
      const start = pos;
      pos++;
      while (pos < source.length && /[0-9.]/.test(source[pos]!)) pos++;
      const text = source.slice(start, pos);
      const literal = Number(text);
      if (!Number.isFinite(literal) || !/^-?\d+(\.\d+)?$/.test(text)) fail(`bad number \`${text}\``, start);
      tokens.push({ kind: 'number', value: text, literal, start });
    } else if (ch === '"' || ch === "'") {
      const start = pos;
      pos++;
      let text = '';
      for (;;) {
        if (pos >= source.length) fail('unclosed string literal', start);
        const c = source[pos]!;
        if (c === ch) break;
        if (c === '\\') {
          const escaped = source[pos + 1];
          if (escaped === undefined || !(escaped in ESCAPES)) fail('unknown escape in string literal', pos);
          text += ESCAPES[escaped!];
          pos += 2;
        } else {
          text += c;
          pos++;
        }
      }
      pos++;
      tokens.push({ kind: 'string', value: source.slice(start, pos), literal: text, start });
    } else if ('.[]|(),'.includes(ch)) {
      tokens.push({ kind: 'punct', value: ch, start: pos });
      pos++;
    } else {
      fail(`unexpected character \`${ch}\` in expression`, pos);
    }
  }
}
