/**
 * Run states kept by a secret store that keeps them itself (the PostgreSQL store, DESIGN.md
 * section 10: "State lives in the same database"), with the same size rule as state files; other
 * stores' states stay files under CONNECTORS_HOME ({@link FileStateStore}).
 */
import { ConnectorsError } from '../errors.js';
import type { ConnectionRef, SecretStore } from '../secrets/store.js';
import { FileStateStore, parseStateValue, type StateStore, type StateValue } from './state.js';
import { formatMiB, STATE_MAX_BYTES } from './state-limits.js';

/** A {@link StateStore} on a store's `getState`/`setState`. */
export class SecretStoreStates implements StateStore {
  constructor(private readonly store: SecretStore & Required<Pick<SecretStore, 'getState' | 'setState'>>) {}

  async load(connector: string, connection: string): Promise<StateValue | undefined> {
    const value = await this.store.getState({ connector, connection });
    return value === undefined ? undefined : parseStateValue(value, `the saved state of ${connector}/${connection}`);
  }

  /** The store's {@link SecretStore.listStates}; a store without it cannot list its states. */
  async list(): Promise<ConnectionRef[]> {
    if (!this.store.listStates) throw new ConnectorsError('This secret store keeps states but cannot list them (it has no listStates).');
    return this.store.listStates();
  }

  async save(connector: string, connection: string, value: StateValue): Promise<void> {
    const bytes = Buffer.byteLength(JSON.stringify(value));
    if (bytes > STATE_MAX_BYTES) {
      throw new ConnectorsError(
        `The state of ${connector} (connection ${connection}) would be ${formatMiB(bytes)}, more than the ${formatMiB(STATE_MAX_BYTES)} a state may be; it was not saved, and the state saved before is kept.`,
        { code: 'ERR_STATE_TOO_LARGE' },
      );
    }
    await this.store.setState({ connector, connection }, value);
  }
}

/** Where a project's run states live: in its secret store when that keeps states, else files under `home`. */
export function stateStoreFor(store: SecretStore, home: string): StateStore {
  if (typeof store.getState === 'function' && typeof store.setState === 'function') {
    return new SecretStoreStates(store as SecretStore & Required<Pick<SecretStore, 'getState' | 'setState'>>);
  }
  return new FileStateStore(home);
}
