/**
 * A throwaway public-key infrastructure for mutual-TLS tests, made with the `openssl` CLI in a
 * temporary folder: a CA, a server certificate for `localhost` and `127.0.0.1` (serverAuth), and
 * a client certificate (clientAuth), all P-256, valid for two days. Call {@link createTestPki}
 * twice for a second, untrusted CA. `cleanup()` removes the folder.
 *
 * Needs Debian's `openssl` package; without it, creating fails with one sentence naming the package.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its private key, PEM, with the files that hold them. */
export interface TestKeyPair {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

/** What {@link createTestPki} made. */
export interface TestPki {
  dir: string;
  /** The CA's certificate (PEM) and its file: what a client passes as NODE_EXTRA_CA_CERTS. */
  caCert: string;
  caFile: string;
  /** For an https server on `localhost` / `127.0.0.1`. */
  server: TestKeyPair;
  /** For the client: what mutual TLS presents. */
  client: TestKeyPair;
  /** Another private key of the same type, which belongs to no certificate here. */
  otherKey: string;
  cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
  const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error("The openssl command was not found: install Debian's openssl package (apt-get install openssl).");
  }
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${(result.stderr || result.stdout || String(result.error)).trim()}`);
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** Makes a key and a certificate signed by the CA in `dir`, with the extensions `extensions`. */
function issue(dir: string, name: string, subject: string, extensions: string): TestKeyPair {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, ['req', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  const serial = `0x${randomBytes(8).toString('hex')}`;
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', serial, '-days', '2', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile };
}

/** Creates the CA, the server and the client certificate in a new temporary folder. */
export function createTestPki(label = 'connectors test'): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'connectors-pki-'));
  try {
    openssl(dir, [
      'req', '-x509', ...EC_KEY, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-sha256', '-subj', `/CN=${label} CA`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    const server = issue(dir, 'server', '/CN=localhost', 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n');
    const client = issue(dir, 'client', `/CN=${label} client`, 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
    openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'other.key']);
    const caFile = join(dir, 'ca.pem');
    return {
      dir,
      caCert: readFileSync(caFile, 'utf8'),
      caFile,
      server,
      client,
      otherKey: readFileSync(join(dir, 'other.key'), 'utf8'),
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
