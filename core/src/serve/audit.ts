/**
 * The audit log of `connectors serve` (DESIGN.md section 9, "Audit log"): one JSON line per request
 * and per renewal. A request line names the caller, the method, the connection and the path below
 * base_url without its query string (a query may carry a key); never a header value or a body.
 */
import type { Redactor } from '../http/redact.js';
import { createBatchedWriter } from './audit-writer.js';
import type { RenewalEvent } from './renew-ahead.js';

/** One served request. */
export interface RequestAuditEntry {
  caller?: string;
  method: string;
  connector?: string;
  connection?: string;
  /** The path below base_url (proxy) or the route's path, without the query string. */
  path: string;
  status: number;
  upstreamStatus?: number;
  ms: number;
}

/** Writes the audit lines. */
export interface AuditLog {
  request(entry: RequestAuditEntry): void;
  renewal(event: RenewalEvent): void;
  /** Writes the lines still queued (the default stderr writer queues them for one event-loop turn). */
  flush(): void;
}

/**
 * An audit log writing JSON lines through `write` (one call per line), redacted once more; by
 * default to stderr, the lines of one event-loop turn in one write.
 */
export function createAuditLog(options: { write?: (line: string) => void; redactor?: Redactor; now?: () => Date } = {}): AuditLog {
  const batched = options.write ? undefined : createBatchedWriter();
  const write = options.write ?? batched!.write;
  const now = options.now ?? (() => new Date());
  const emit = (entry: Record<string, unknown>) => {
    const line = JSON.stringify(entry);
    write(`${options.redactor ? options.redactor.redact(line) : line}\n`);
  };
  return {
    request(entry) {
      emit({ time: now().toISOString(), ...entry, path: stripQuery(entry.path), ms: Math.round(entry.ms * 10) / 10 });
    },
    renewal(event) {
      emit({ time: now().toISOString(), event: 'renewal', connector: event.connector, connection: event.connection, result: event.result, ms: event.ms, ...(event.error ? { error: event.error } : {}) });
    },
    flush() {
      batched?.flush();
    },
  };
}

function stripQuery(path: string): string {
  const at = path.indexOf('?');
  return at === -1 ? path : path.slice(0, at);
}
