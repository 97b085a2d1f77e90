/**
 * The optional page-size parameter of cursor, link and next_url pagination: sent only when both
 * `limit_param` and `page_size` are set.
 */
export function limitParams(limitParam: string | undefined, pageSize: number | undefined): Record<string, string> {
  return limitParam !== undefined && pageSize !== undefined ? { [limitParam]: String(pageSize) } : {};
}

/** The `page` values that match {@link limitParams}. */
export function limitPageValues(pageSize: number | undefined): { limit?: number; size?: number } {
  return pageSize === undefined ? {} : { limit: pageSize, size: pageSize };
}
