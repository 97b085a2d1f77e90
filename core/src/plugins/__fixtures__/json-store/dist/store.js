// A store plugin as an author would write one, for the tests: everything in one plain JSON file
// (`file` option, relative to connectors.config.yaml). Not encrypted: a fixture, not a product.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

class JsonFileStore {
  constructor(file) {
    this.file = file;
    this.queue = Promise.resolve();
  }
  read() {
    return existsSync(this.file) ? JSON.parse(readFileSync(this.file, 'utf8')) : { secrets: {}, sessions: {}, callers: {} };
  }
  change(fn) {
    const next = this.queue.then(() => {
      const data = this.read();
      const result = fn(data);
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(`${this.file}.tmp`, JSON.stringify(data));
      renameSync(`${this.file}.tmp`, this.file);
      return result;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
  static key(ref) {
    if (!ref.connector || !ref.connection || ref.connector === '__proto__' || ref.connection === '__proto__') throw new Error('bad connection name');
    return `${ref.connector}/${ref.connection}`;
  }
  async getSecrets(ref) {
    return { ...(this.read().secrets[JsonFileStore.key(ref)] ?? {}) };
  }
  async setSecret(ref, name, value) {
    if (!name || name === '__proto__') throw new Error('bad secret name');
    const key = JsonFileStore.key(ref);
    await this.change((data) => {
      data.secrets[key] = { ...(data.secrets[key] ?? {}), [name]: value };
    });
  }
  async deleteSecret(ref, name) {
    const key = JsonFileStore.key(ref);
    return this.change((data) => {
      if (!data.secrets[key] || !Object.hasOwn(data.secrets[key], name)) return false;
      delete data.secrets[key][name];
      if (Object.keys(data.secrets[key]).length === 0) delete data.secrets[key];
      return true;
    });
  }
  async getSession(ref) {
    const session = this.read().sessions[JsonFileStore.key(ref)];
    return session === undefined ? undefined : structuredClone(session);
  }
  async setSession(ref, session) {
    const key = JsonFileStore.key(ref);
    await this.change((data) => {
      if (session === undefined) delete data.sessions[key];
      else data.sessions[key] = session;
    });
  }
  async listConnections(connector) {
    const data = this.read();
    const names = new Set();
    for (const key of [...Object.keys(data.secrets), ...Object.keys(data.sessions)]) {
      const [owner, connection] = key.split('/');
      if (owner === connector) names.add(connection);
    }
    return [...names].sort();
  }
  async listCallers() {
    return Object.values(this.read().callers).sort((a, b) => (a.name < b.name ? -1 : 1));
  }
  async putCaller(caller) {
    await this.change((data) => {
      data.callers[caller.name] = caller;
    });
  }
  async deleteCaller(name) {
    return this.change((data) => {
      if (!Object.hasOwn(data.callers, name)) return false;
      delete data.callers[name];
      return true;
    });
  }
}

export default {
  type: 'json-file',
  options: {
    type: 'object',
    properties: { file: { type: 'string', minLength: 1 } },
    required: ['file'],
    additionalProperties: false,
  },
  create(options, ctx) {
    return new JsonFileStore(resolve(ctx.configDir, options.file));
  },
};
