/**
 * A federated client assertion (the manifest's `client_assertion`): a JWT the platform writes to a
 * file (Azure's `AZURE_FEDERATED_TOKEN_FILE`, a Kubernetes projected service-account token) or a
 * program prints, read fresh at every token request because the platform rotates it. Sent as
 * `client_assertion` with `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`
 * (RFC 7521 4.2, RFC 7523 2.2).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AuthError } from '../../errors.js';
import { runStoreCommand } from '../../secrets/command/run-store-command.js';

/** The `client_assertion_type` of a JWT client assertion. */
export const JWT_CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Where the assertion comes from: a file, or a program (argv, never a shell) that prints it. */
export type ClientAssertionSource = { file: string } | { command: string[] };

/** How long the assertion program may run. */
export const CLIENT_ASSERTION_COMMAND_TIMEOUT_MS = 10_000;

/** Reads the assertion file; a missing, unreadable or empty file is one {@link AuthError} sentence. */
async function readAssertionFile(connector: string, file: string): Promise<string> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'error'})`;
    throw new AuthError(`The client_assertion file ${path} of ${connector} ${why}.`);
  }
  if (text.trim() === '') throw new AuthError(`The client_assertion file ${path} of ${connector} is empty.`);
  return text.trim();
}

/** Runs the assertion program; a failure is one {@link AuthError} sentence that never quotes its output. */
async function runAssertionCommand(connector: string, argv: string[]): Promise<string> {
  const name = `\`${argv[0] ?? ''}\``;
  const outcome = await runStoreCommand({ argv, timeoutMs: CLIENT_ASSERTION_COMMAND_TIMEOUT_MS, cwd: process.cwd(), env: process.env });
  const fail = (why: string): AuthError => new AuthError(`The client_assertion command ${name} of ${connector} ${why}.`);
  switch (outcome.kind) {
    case 'not-started':
      throw fail(outcome.notFound ? 'was not found' : `could not start (${outcome.reason})`);
    case 'timed-out':
      throw fail(`did not finish within ${CLIENT_ASSERTION_COMMAND_TIMEOUT_MS / 1000} seconds`);
    case 'too-much-output':
      throw fail('printed too much');
    case 'signaled':
      throw fail(`was killed by ${outcome.signal}`);
    case 'exited':
      if (outcome.code !== 0) throw fail(`exited with code ${outcome.code}`);
      if (outcome.stdout.trim() === '') throw fail('printed nothing');
      return outcome.stdout.trim();
  }
}

/** Reads the assertion now, from its file or its program. */
export async function readClientAssertion(connector: string, source: ClientAssertionSource): Promise<string> {
  return 'file' in source ? readAssertionFile(connector, source.file) : runAssertionCommand(connector, source.command);
}
