// Copies the monorepo's catalog (../connectors) into cli/catalog, the catalog shipped with the CLI.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(cliDir, '..', 'connectors');
const target = join(cliDir, 'catalog');
rmSync(target, { recursive: true, force: true });
if (existsSync(source)) cpSync(source, target, { recursive: true });
