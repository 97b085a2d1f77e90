import { fileURLToPath } from 'node:url';

/** The catalog shipped with the CLI: the package's `catalog/` folder, copied from `connectors/` at build. */
export const shippedCatalogDir = fileURLToPath(new URL('../catalog', import.meta.url));
