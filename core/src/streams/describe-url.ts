/**
 * A URL fit for a message: scheme, host and path, without query or credentials. Streams build URLs
 * from templates that may hold secrets (an API key in the query), so messages never show the query.
 */
export function describeUrl(url: string | URL): string {
  try {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(an invalid URL)';
  }
}
