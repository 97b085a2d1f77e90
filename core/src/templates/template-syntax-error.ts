import { TemplateError } from '../errors.js';

/** A template that does not parse. `offset` is where in the source the problem stands. */
export class TemplateSyntaxError extends TemplateError {
  /** Offset into the template source (0-based, UTF-16 units). */
  readonly offset: number;
  /** The problem without the origin, e.g. `unclosed "{{"`. */
  readonly reason: string;

  constructor(reason: string, offset: number, origin?: string) {
    super(`Template syntax error${origin ? ` in ${origin}` : ''} at offset ${offset}: ${reason}.`, {
      code: 'ERR_TEMPLATE_SYNTAX',
    });
    this.offset = offset;
    this.reason = reason;
  }
}
