/** Names of callers (`connectors callers add NAME`, `serve.oidc_callers[].name`). */

/** Longest caller name accepted. */
export const MAX_CALLER_NAME_LENGTH = 64;

/**
 * True for a caller name: letters, digits, `_`, `-` and `.`, not starting with `.` or `-`, at most
 * {@link MAX_CALLER_NAME_LENGTH} characters. Names appear in audit lines and tables, so nothing
 * that needs quoting.
 */
export function isCallerName(name: string): boolean {
  return name.length <= MAX_CALLER_NAME_LENGTH && /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name);
}
