/**
 * The parsed connector manifest (DESIGN.md section 3), typed as written in YAML: keys stay
 * snake_case here; runtime objects built from it use camelCase options.
 */
import type { JSONSchema } from '../plugin-api.js';

export type HttpMethod = 'GET' | 'POST';

export interface OffsetPagination {
  type: 'offset';
  offset_param?: string;
  limit_param?: string;
  page_size?: number;
}

export interface PagePagination {
  type: 'page';
  page_param?: string;
  size_param?: string;
  page_size?: number;
  start_page?: number;
}

export interface CursorPagination {
  type: 'cursor';
  cursor_path: string;
  cursor_param?: string;
  limit_param?: string;
  page_size?: number;
}

export interface LinkPagination {
  type: 'link';
  limit_param?: string;
  page_size?: number;
}

export interface NextUrlPagination {
  type: 'next_url';
  next_url_path: string;
  limit_param?: string;
  page_size?: number;
}

/** `type: auto`: the paginator is chosen from the first response (DESIGN.md section 13). */
export interface AutoPagination {
  type: 'auto';
  /** Query parameter of the page size; sent only with `page_size` (default `limit`). */
  limit_param?: string;
  /** Records per request; with it, a first response without a next link or cursor pages by offset. */
  page_size?: number;
  /** Query parameter of the offset when offset is chosen (default `offset`). */
  offset_param?: string;
}

export type Pagination =
  | AutoPagination
  | OffsetPagination
  | PagePagination
  | CursorPagination
  | LinkPagination
  | NextUrlPagination;

export interface Incremental {
  /** Query parameter that receives the saved cursor. */
  param?: string;
  /** First value when there is no state (templated). */
  start?: string;
  /** A record field; the largest value seen is the state. Omitted: the run's start time. */
  cursor_field?: string;
  /** With no cursor_field: `date` saves YYYY-MM-DD, `date-time` (default) a full ISO-8601 time. */
  format?: 'date' | 'date-time';
}

/** `partition: {type: date_range}`: half-open windows `[start, end)` of `step` each. */
export interface DateRangePartition {
  type: 'date_range';
  /** First window's start when there is no saved cursor (templated): a date or an ISO-8601 date-time. */
  start: string;
  /** `now` (default) or a templated date or date-time; the last window is cut there. */
  end?: string;
  /** ISO-8601 duration of a window, e.g. `P30D`. */
  step: string;
  /** Query parameter of a window's start (default `dateFrom`). */
  start_param?: string;
  /** Query parameter of a window's end, excluded (default `dateTo`). */
  end_param?: string;
  /** `date` (default) sends YYYY-MM-DD, `date-time` a full ISO-8601 UTC time. */
  format?: 'date' | 'date-time';
}

export interface RetryPolicy {
  limit?: number;
  /** Seconds. */
  max_delay?: number;
}

/** `timeout`: seconds for both, or each of the response and idle timeouts. */
export type TimeoutSetting = number | { response?: number; idle?: number };

/** `parent`: the stream this one runs once per record of. */
export interface ParentStream {
  stream: string;
  /** Template name (`{{ parent.<name> }}`) to the parent record's field (a dot path). */
  fields: Record<string, string>;
  /** Names from `fields` added to each child record. */
  include?: string[];
}

export interface StreamDefinition {
  name: string;
  path?: string;
  url?: string;
  method?: HttpMethod;
  params?: Record<string, unknown>;
  headers?: Record<string, string>;
  body?: unknown;
  records?: string;
  primary_key?: string | string[];
  pagination?: Pagination;
  incremental?: Incremental;
  /** Date windows: the stream is read once per window (DESIGN.md section 13). */
  partition?: DateRangePartition;
  /** Parent and child: run once per record of `parent.stream` (DESIGN.md section 13). */
  parent?: ParentStream;
  /** false: the records are not output (a parent read only for its children). */
  output?: boolean;
  /** JSON Schema of the records, sent in the SCHEMA message. */
  schema?: JSONSchema;
  retry?: RetryPolicy;
  timeout?: TimeoutSetting;
}

export interface SecretDeclaration {
  name: string;
  description?: string;
  optional?: boolean;
  /** The value when the secret is set nowhere. */
  default?: string;
  /** The empty string is a value (Basic with an empty password). */
  allow_empty?: boolean;
}

export interface AuthBlock {
  scheme: string;
  refresh_before?: number;
  apply?: boolean | Record<string, unknown>;
  [option: string]: unknown;
}

export interface CheckRequest {
  path?: string;
  url?: string;
  method?: HttpMethod;
  params?: Record<string, unknown>;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface Manifest {
  apiVersion: 'connectors/v1';
  name: string;
  title?: string;
  version?: string;
  description?: string;
  config?: JSONSchema;
  secrets?: SecretDeclaration[];
  auth: AuthBlock;
  base_url?: string;
  headers?: Record<string, string>;
  /** Query parameters sent on every request (streams and `check`), templated; a stream's `params` win on a clash. */
  query?: Record<string, string | number | boolean>;
  /** What callers of `connectors serve` may reach through its proxy (DESIGN.md section 9). */
  proxy?: { allow?: ProxyRule[] };
  check?: CheckRequest;
  retry?: RetryPolicy;
  /** One token bucket per connection (DESIGN.md section 13 "Rate limits"); see `http/rate-limit.ts`. */
  rate_limit?: { requests_per_second: number; burst?: number };
  timeout?: TimeoutSetting;
  streams: StreamDefinition[];
  /** Stream keys (any but `name`) deep-merged under every stream at load time; `streams` already holds the merged streams. */
  stream_defaults?: Partial<Omit<StreamDefinition, 'name'>>;
}

/** One `proxy.allow` entry: a method (or list; default any) and a glob on the path below base_url. */
export interface ProxyRule {
  method?: string | string[];
  path: string;
}
