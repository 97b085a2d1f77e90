/**
 * A password manager for the command store's tests, as a POSIX shell script: one file per
 * secret under a folder, `get` silent with exit 1 when a secret is not there (like `pass show`
 * wrapped to be quiet), `set` reading the value from stdin, every call's arguments logged one per
 * line so tests can see what a program was given.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SCRIPT = `#!/bin/sh
vault=$1; op=$2; shift 2
for arg in "$op" "$@"; do printf '%s\\n' "$arg" >> "$vault/argv.log"; done
printf '%s\\n' '--' >> "$vault/argv.log"
f="$vault/secrets/$1/$2/$3"
case "$op" in
  get) [ -f "$f" ] || exit 1; cat "$f" ;;
  set) mkdir -p "$(dirname "$f")"; cat > "$f.tmp.$$"; mv "$f.tmp.$$" "$f" ;;
  delete) [ -f "$f" ] || exit 1; rm "$f" ;;
  *) echo "unknown operation $op" >&2; exit 2 ;;
esac
`;

/** Writes the script into `folder` and returns the command store options that use it. */
export function writeFakeVault(folder: string): { get: string[]; set: string[]; delete: string[] } {
  mkdirSync(join(folder, 'secrets'), { recursive: true });
  const script = join(folder, 'vault.sh');
  writeFileSync(script, SCRIPT, { mode: 0o755 });
  const argv = (op: string) => ['sh', script, folder, op, '{connector}', '{connection}', '{name}'];
  return { get: argv('get'), set: argv('set'), delete: argv('delete') };
}
