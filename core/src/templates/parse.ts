/**
 * The template parser. A template is text with `{{ expression }}` tags. An expression is
 *
 *     expression := concat ( "|" filter )*
 *     concat     := fallback ( "~" fallback )*
 *     fallback   := operand ( "||" operand )*
 *     operand    := path | "string" | number | now | "(" expression ")"
 *     path       := ns ( "." name | "[" "name" "]" | "[" index "]" )*
 *
 * so `||` binds tightest, then `~`, and filters apply last, to the whole concatenation, left to
 * right: `{{ secrets.a ~ ":" ~ secrets.b | base64 }}` is `base64(a + ":" + b)`, and
 * `{{ config.region || "us" ~ "-1" }}` is `(region or "us") + "-1"`. A group changes that:
 * `{{ ("https://" ~ config.host) || ("https://" ~ config.subdomain ~ ".example.com") }}` falls
 * back to the second URL when `config.host` is unset, since a concatenation with an unset part is
 * unset. There are no calls,
 * operators or lookups beyond own data properties: a template cannot execute anything.
 */
import { filterArity, filterNames, isFilterName, type FilterName } from './filters.js';
import { TemplateSyntaxError } from './template-syntax-error.js';

/** One filter application. */
export interface FilterCall {
  name: FilterName;
  args: unknown[];
}

/** A data path operand: `config.account.id`, `secrets["SO-Apptoken"]`. */
export interface PathOperand {
  kind: 'path';
  namespace: string;
  path: Array<string | number>;
  /** Offset of the first character of the namespace. */
  start: number;
  /** Offset just after the path. */
  end: number;
}

/** A string or number literal operand: `"us"`, `443`. */
export interface LiteralOperand {
  kind: 'literal';
  value: string | number;
  start: number;
}

/** The runtime's clock: `now`. */
export interface NowOperand {
  kind: 'now';
  start: number;
}

/** A parenthesised expression: `("https://" ~ config.host | urlencode)`, one operand of `||` or `~`. */
export interface GroupOperand {
  kind: 'group';
  /** As {@link ExpressionNode.parts}. */
  parts: Operand[][];
  /** Applied to the group's concatenation, in order. */
  filters: FilterCall[];
  /** Offset of `(`. */
  start: number;
}

/** One value an expression reads. */
export type Operand = PathOperand | LiteralOperand | NowOperand | GroupOperand;

/** A parsed `{{ ... }}` tag. Offsets are into the template source. */
export interface ExpressionNode {
  kind: 'expression';
  /** The `~`-joined parts, each a `||` chain of operands (the first set, non-empty one wins). */
  parts: Operand[][];
  /** Applied to the whole concatenation, in order. */
  filters: FilterCall[];
  /** The expression text between the braces, trimmed, e.g. `config.base_url | urlencode`. */
  text: string;
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

/** A cursor over one tag's tokens. */
class TagReader {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly origin: string | undefined,
  ) {}
  peek(): Token {
    return this.tokens[this.i]!;
  }
  next(): Token {
    return this.tokens[this.i++]!;
  }
  isPunct(value: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.value === value;
  }
  fail(reason: string, offset: number): never {
    throw new TemplateSyntaxError(reason, offset, this.origin);
  }
}

const shown = (t: Token): string => t.value || '}}';

function parseTag(source: string, open: number, origin?: string): ExpressionNode {
  const tokens = tokenize(source, open + 2, open, origin);
  const r = new TagReader(tokens, origin);
  const closeToken = tokens[tokens.length - 1]!;
  if (r.peek().kind === 'close') r.fail('empty expression `{{ }}`', open);
  const parts = parseConcat(r);
  const only = parts.length === 1 && parts[0]!.length === 1 ? parts[0]![0]! : undefined;
  if (only?.kind === 'literal') {
    r.fail(`an expression must start with a namespace name, found \`${tokens[0]!.value}\``, only.start);
  }
  const filters = parseFilters(r);
  const rest = r.peek();
  if (rest.kind !== 'close') r.fail(`unexpected \`${rest.value}\` in expression`, rest.start);
  return {
    kind: 'expression',
    parts,
    filters,
    text: source.slice(open + 2, closeToken.start).trim(),
    tagStart: open,
    tagEnd: closeToken.start + 2,
  };
}

/** `fallback ( "~" fallback )*` */
function parseConcat(r: TagReader): Operand[][] {
  const parts = [parseFallback(r, undefined)];
  while (r.isPunct('~')) parts.push(parseFallback(r, r.next()));
  return parts;
}

/** `operand ( "||" operand )*`; `after` is the operator before it, for messages. */
function parseFallback(r: TagReader, after: Token | undefined): Operand[] {
  const chain = [parseOperand(r, after)];
  while (r.isPunct('||')) chain.push(parseOperand(r, r.next()));
  return chain;
}

function parseOperand(r: TagReader, after: Token | undefined): Operand {
  const head = r.next();
  if (head.kind === 'string' || head.kind === 'number') {
    return { kind: 'literal', value: head.literal as string | number, start: head.start };
  }
  if (head.kind === 'punct' && head.value === '(') return parseGroup(r, head);
  if (head.kind !== 'ident') {
    if (after !== undefined) r.fail(`expected a value after \`${after.value}\`, found \`${shown(head)}\``, head.start);
    r.fail(`an expression must start with a namespace name, found \`${head.value}\``, head.start);
  }
  if (head.value === 'now') {
    if (r.isPunct('.') || r.isPunct('[')) r.fail('`now` is the current time and has no fields; use `now | unix` or `now | iso`', r.peek().start);
    return { kind: 'now', start: head.start };
  }
  return parsePath(r, head);
}

/** `"(" concat ( "|" filter )* ")"`, after its `(`. */
function parseGroup(r: TagReader, open: Token): GroupOperand {
  if (r.isPunct(')')) r.fail('empty group `( )`', open.start);
  const parts = parseConcat(r);
  const filters = parseFilters(r);
  const close = r.next();
  if (!(close.kind === 'punct' && close.value === ')')) r.fail(`expected \`)\` to close the group, found \`${shown(close)}\``, close.start);
  return { kind: 'group', parts, filters, start: open.start };
}

function parsePath(r: TagReader, head: Token): PathOperand {
  const path: Array<string | number> = [];
  let end = head.start + head.value.length;
  for (;;) {
    if (r.isPunct('.')) {
      r.next();
      const key = r.next();
      if (key.kind !== 'ident') r.fail(`expected a name after \`.\`, found \`${shown(key)}\``, key.start);
      path.push(key.value);
      end = key.start + key.value.length;
    } else if (r.isPunct('[')) {
      r.next();
      const key = r.next();
      if (key.kind === 'string') path.push(key.literal as string);
      else if (key.kind === 'number' && /^\d+$/.test(key.value)) path.push(Number(key.value));
      else r.fail(`expected a quoted name or an index inside \`[ ]\`, found \`${shown(key)}\``, key.start);
      const closeBracket = r.next();
      if (!(closeBracket.kind === 'punct' && closeBracket.value === ']')) r.fail('expected `]`', closeBracket.start);
      end = closeBracket.start + 1;
    } else break;
  }
  return { kind: 'path', namespace: head.value, path, start: head.start, end };
}

function parseFilters(r: TagReader): FilterCall[] {
  const filters: FilterCall[] = [];
  while (r.isPunct('|')) {
    r.next();
    const name = r.next();
    if (name.kind !== 'ident') r.fail(`expected a filter name after \`|\`, found \`${shown(name)}\``, name.start);
    if (!isFilterName(name.value)) r.fail(`unknown filter \`${name.value}\` (available: ${filterNames.join(', ')})`, name.start);
    const filterName = name.value as FilterName;
    const args = r.isPunct('(') ? parseArguments(r, filterName) : [];
    const [min, max] = filterArity[filterName];
    if (args.length < min || args.length > max) {
      r.fail(`filter \`${filterName}\` takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, got ${args.length}`, name.start);
    }
    filters.push({ name: filterName, args });
  }
  return filters;
}

function parseArguments(r: TagReader, filterName: FilterName): unknown[] {
  const args: unknown[] = [];
  r.next();
  while (!r.isPunct(')')) {
    const arg = r.next();
    if (arg.kind === 'string' || arg.kind === 'number') args.push(arg.literal);
    else if (arg.kind === 'ident' && (arg.value === 'true' || arg.value === 'false' || arg.value === 'null')) {
      args.push(arg.value === 'null' ? null : arg.value === 'true');
    } else r.fail(`expected a literal argument for \`${filterName}\`, found \`${shown(arg)}\``, arg.start);
    if (r.isPunct(',')) r.next();
    else if (!r.isPunct(')')) r.fail('expected `,` or `)`', r.peek().start);
  }
  r.next();
  return args;
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
    } else if (ch === '|' && source[pos + 1] === '|') {
      tokens.push({ kind: 'punct', value: '||', start: pos });
      pos += 2;
    } else if ('.[]|(),~'.includes(ch)) {
      tokens.push({ kind: 'punct', value: ch, start: pos });
      pos++;
    } else {
      fail(`unexpected character \`${ch}\` in expression`, pos);
    }
  }
}
