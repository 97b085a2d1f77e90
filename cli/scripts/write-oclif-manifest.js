// Build step: writes oclif.manifest.json, the commands' metadata (ids, flags, args, summaries).
// With it oclif reads one JSON file at start-up and imports only the command being run; without
// it oclif imports every command module (and so all of core) on every invocation, `--version`
// included. This is what `oclif manifest` does, without the `oclif` package's dependencies.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const plugin = new Plugin({
  root,
  type: 'core',
  isRoot: true,
  ignoreManifest: true,
  errorOnManifestCreate: true,
  respectNoCacheDefault: true,
});
await plugin.load();
writeFileSync(join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest, null, 2)}\n`);
