/**
 * `GET /metrics` of `connectors serve` (DESIGN.md section 9): Prometheus text from prom-client, on
 * a registry of its own (not the library's global one, so two servers in one process never mix).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ConnectionStatusEntry, RenewalEvent } from './renew-ahead.js';

/** The service's metrics. */
export interface ServeMetrics {
  readonly registry: Registry;
  renewal(event: RenewalEvent): void;
  proxied(connector: string, code: number, seconds: number): void;
  upstream(seconds: number): void;
  /** The Prometheus text, with the session expiries of `connections` as they are now. */
  render(connections: ConnectionStatusEntry[], now: number): Promise<string>;
}

/** Creates the metrics of one server. */
export function createServeMetrics(): ServeMetrics {
  const registry = new Registry();
  const renewals = new Counter({ name: 'connectors_renewals_total', help: 'Session renewals ahead of time, by result.', labelNames: ['connector', 'result'], registers: [registry] });
  const expiry = new Gauge({ name: 'connectors_session_expiry_seconds', help: 'Seconds until the stored session expires (negative: expired).', labelNames: ['connector', 'connection'], registers: [registry] });
  const requests = new Counter({ name: 'connectors_proxy_requests_total', help: 'Proxied requests, by connector and the status answered.', labelNames: ['connector', 'code'], registers: [registry] });
  const duration = new Histogram({ name: 'connectors_proxy_duration_seconds', help: 'Time from a proxied request to its response headers.', registers: [registry], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30] });
  const upstream = new Histogram({ name: 'connectors_upstream_duration_seconds', help: 'Time the upstream API took to send response headers.', registers: [registry], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30] });
  return {
    registry,
    renewal(event) {
      renewals.inc({ connector: event.connector, result: event.result });
    },
    proxied(connector, code, seconds) {
      requests.inc({ connector, code: String(code) });
      duration.observe(seconds);
    },
    upstream(seconds) {
      upstream.observe(seconds);
    },
    async render(connections, now) {
      expiry.reset();
      for (const entry of connections) {
        if (entry.expiresAt === undefined) continue;
        const at = Date.parse(entry.expiresAt);
        if (!Number.isNaN(at)) expiry.set({ connector: entry.connector, connection: entry.connection }, Math.round((at - now) / 1000));
      }
      return registry.metrics();
    },
  };
}
