/**
 * Rendering of a scheme's own templates (`AuthScheme.templatedOptions`): options such as
 * `token_headers` or a login's `request` read `secrets` and `session`, which exist only when the
 * scheme sends its request, so the runtime leaves them for the scheme.
 */
import { compileTemplateTree } from '../templates/tree.js';

/** The values a scheme's templates read. */
export interface SchemeTemplateValues {
  config?: Record<string, unknown>;
  secrets?: Record<string, string>;
  /** Non-secret session values (`{{ auth.<name> }}`). */
  auth?: Record<string, unknown>;
  /** What the scheme's own session holds, e.g. `{ token }` (`{{ session.token }}`). */
  session?: Record<string, unknown>;
  /** The clock `{{ now }}` reads: the scheme's `ctx.now` (the system clock when absent). */
  now?: () => Date;
}

/**
 * Renders every string of `value` (deeply) as a template; strings without `{{` stay as they are.
 * `origin` names the option in a template error, e.g. `acme auth.token_headers`.
 */
export function renderSchemeTemplates<T>(value: T, values: SchemeTemplateValues, origin?: string): T {
  return compileTemplateTree(value, origin).render(values) as T;
}
