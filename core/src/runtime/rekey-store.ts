/**
 * `connectors secrets rekey` (DESIGN.md section 10 "Key rotation"): re-encrypts everything the
 * project's store holds under the current CONNECTORS_SECRET_KEY, opening old values with the keys
 * of CONNECTORS_SECRET_KEY_PREVIOUS. A value no key opens stops it and nothing is changed.
 */
import { SECRET_STORE } from '../container.js';
import { ConnectorsError } from '../errors.js';
import type { RekeyCounts, SecretStore } from '../secrets/store.js';
import type { Project } from './open-project.js';

/** Re-encrypts the project's store; the counts of values rewritten, by kind. */
export async function rekeyStore(project: Project): Promise<RekeyCounts> {
  const store = project.container.resolve<SecretStore>(SECRET_STORE);
  if (!store.rekey) throw new ConnectorsError('This secret store cannot re-encrypt its values (it has no rekey).');
  return store.rekey();
}

/** "Re-encrypted 5 stored values (3 secrets, 1 session, 1 state, 0 caller keys) under the current key." */
export function describeRekey(counts: RekeyCounts): string {
  const total = counts.secrets + counts.sessions + counts.states + counts.callers;
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return `Re-encrypted ${plural(total, 'stored value', 'stored values')} (${plural(counts.secrets, 'secret', 'secrets')}, ${plural(counts.sessions, 'session', 'sessions')}, ${plural(counts.states, 'state', 'states')}, ${plural(counts.callers, 'caller key', 'caller keys')}) under the current key.`;
}
