/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder, the server on a free
 * port of 127.0.0.1 (as the `postgres` user when the tests run as root, since the server refuses
 * root), `fsync=off`, password authentication over TCP. One cluster per test file
 * ({@link startPostgresCluster} in `beforeAll`), one database per test ({@link PostgresCluster.createDatabase}).
 * `stop()` removes everything, and so does the process's exit when a test file is killed first.
 *
 * Needs Debian's `postgresql` package (binaries in `/usr/lib/postgresql/<version>/bin`, or
 * `$POSTGRES_BIN`); without it, starting fails with one sentence naming the package.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A running cluster. */
export interface PostgresCluster {
  host: string;
  port: number;
  /** The superuser's password (what a URL carries: tests scan output for it). */
  password: string;
  /** A `postgres://` URL of database `database` as the superuser. */
  url(database?: string): string;
  /** Creates a fresh database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs one SQL statement in `database` and returns the rows. */
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(database: string, sql: string, values?: unknown[]): Promise<T[]>;
  /**
   * Every column of every table of `schema` in `database` as text, bytea as hex, latin1, UTF-8
   * and base64: what a test scans to show that the database holds no secret in any encoding.
   */
  dumpSchema(database: string, schema?: string): Promise<string>;
  /** Stops the server and removes its folder. */
  stop(): void;
}

const SUPERUSER = 'postgres';

/** The folder holding `initdb` and `pg_ctl`: `$POSTGRES_BIN`, else the newest `/usr/lib/postgresql/<n>/bin`. */
export function findPostgresBin(): string {
  const fromEnv = process.env.POSTGRES_BIN;
  if (fromEnv && existsSync(join(fromEnv, 'initdb'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error("PostgreSQL's initdb was not found: install Debian's postgresql package (apt-get install postgresql) or set POSTGRES_BIN.");
  }
  return join(root, versions[0]!, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs a PostgreSQL binary, as the `postgres` user when this process is root. */
function runAsOwner(bin: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const [command, argv] = asRoot ? ['runuser', ['-u', SUPERUSER, '--', bin, ...args]] : [bin, args];
  const result = spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(`${bin} ${args[0] ?? ''} failed: ${(result.stderr || result.stdout || String(result.error)).trim()}`);
  }
}

/** Starts a cluster; call `stop()` in `afterAll`. */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'connectors-pg-'));
  const data = join(dir, 'data');
  const password = `pg-test-password-${process.pid}-${Date.now().toString(36)}`;
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  let started = false;
  const stop = (): void => {
    process.removeListener('exit', stop);
    if (started) {
      try {
        runAsOwner(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w']);
      } catch {
        // already gone
      }
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  try {
    chmodSync(dir, 0o755);
    if (asRoot) execFileSync('chown', [SUPERUSER, dir]);
    const pwfile = join(dir, 'pwfile');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (asRoot) execFileSync('chown', [SUPERUSER, pwfile]);
    runAsOwner(join(bin, 'initdb'), ['-D', data, '-U', SUPERUSER, '--pwfile', pwfile, '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '-E', 'UTF8', '--locale=C']);
    const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    runAsOwner(join(bin, 'pg_ctl'), ['start', '-D', data, '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', options]);
    started = true;
  } catch (error) {
    stop();
    throw error;
  }
  const host = '127.0.0.1';
  const url = (database = 'postgres') => `postgres://${SUPERUSER}:${encodeURIComponent(password)}@${host}:${port}/${database}`;
  const query = async <T extends pg.QueryResultRow>(database: string, sql: string, values?: unknown[]): Promise<T[]> => {
    const client = new pg.Client({ connectionString: url(database) });
    await client.connect();
    try {
      return (await client.query<T>(sql, values)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    host,
    port,
    password,
    url,
    query,
    async createDatabase(name) {
      await query('postgres', `CREATE DATABASE "${name.replace(/"/g, '')}"`);
      return url(name);
    },
    async dumpSchema(database, schema = 'connectors') {
      const tables = await query<{ table_name: string }>(database, 'SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
      let dump = '';
      for (const { table_name } of tables) {
        for (const row of await query<Record<string, unknown>>(database, `SELECT * FROM "${schema}"."${table_name}"`)) {
          for (const value of Object.values(row)) {
            if (Buffer.isBuffer(value)) dump += `${value.toString('hex')}\n${value.toString('latin1')}\n${value.toString('utf8')}\n${value.toString('base64')}\n`;
            else dump += `${JSON.stringify(value)}\n`;
          }
        }
      }
      return dump;
    },
    stop,
  };
}
