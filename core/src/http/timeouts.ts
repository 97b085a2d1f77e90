/**
 * Request timeouts (DESIGN.md section 8, "Timeouts and interrupts"): a response timeout until the
 * headers arrive and an idle timeout on the connection while the body arrives, 60 s each unless
 * the manifest's `timeout` (top level, or per stream) says otherwise. A request that times out is
 * a network error (`ETIMEDOUT`) and is retried; the last failure says which timeout it was.
 *
 * The idle timeout is got's `socket` timeout (no byte either way for that long). It runs from the
 * start, so an idle timeout shorter than the response timeout also bounds the wait for headers.
 * A server that drips a byte now and then, faster than the idle timeout, is not cut off.
 */
import type { TimeoutSetting } from '../manifest/types.js';

/** Seconds of the response and idle timeouts when the manifest sets none. */
export const DEFAULT_TIMEOUT_SECONDS = 60;

/** The two timeouts, in milliseconds. */
export interface ResolvedTimeouts {
  responseMs: number;
  idleMs: number;
}

/** A manifest `timeout` (a number sets both) over the defaults. */
export function resolveTimeouts(setting: TimeoutSetting | undefined, defaults: ResolvedTimeouts): ResolvedTimeouts {
  if (setting === undefined) return defaults;
  if (typeof setting === 'number') return { responseMs: setting * 1000, idleMs: setting * 1000 };
  return {
    responseMs: setting.response === undefined ? defaults.responseMs : setting.response * 1000,
    idleMs: setting.idle === undefined ? defaults.idleMs : setting.idle * 1000,
  };
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

/**
 * What a got `TimeoutError` means, in words, or undefined for another error.
 * @param event got's timeout event: `response`, `socket` (our idle timeout), `connect`, ...
 */
export function describeTimeout(event: string | undefined, timeouts: ResolvedTimeouts): string | undefined {
  if (event === 'response') return `no response within ${seconds(timeouts.responseMs)} (timeout.response)`;
  if (event === 'socket') return `the server sent nothing for ${seconds(timeouts.idleMs)} (timeout.idle)`;
  return undefined;
}
