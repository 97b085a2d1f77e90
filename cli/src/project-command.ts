import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import type { Project } from '@connectors/core/internal/runtime/open-project.js';
import { resolveProject, type ResolvedProject } from '@connectors/core/internal/runtime/resolve-project.js';
import { checkPathValues } from './flag-values.js';
import { shippedCatalogDir } from './shipped-catalog.js';

/**
 * Base of the commands that work in a project: `--catalog`, and `resolveProject()` or
 * `openProject()` with the CLI's shipped catalog and data folder as fallbacks.
 */
export abstract class ProjectCommand extends Command {
  static override baseFlags = {
    catalog: Flags.string({
      description:
        'Catalog folder of <name>/connector.yaml manifests. Default: $CONNECTORS_CATALOG, `catalog:` in connectors.config.yaml, ./connectors, then the catalog shipped with the CLI.',
      helpGroup: 'GLOBAL',
    }),
  };

  /** The project's config, catalog and schemes: enough for the commands that only read manifests. */
  protected async resolveProject(flags: { catalog?: string }): Promise<ResolvedProject> {
    return resolveProject(this.projectOptions(flags));
  }

  /**
   * The project with its container (secret store, sessions, HTTP client). Imported on first use,
   * so that `list`, `validate` and `schemes` start without loading got, tsyringe and the stores.
   */
  protected async openProject(flags: { catalog?: string }): Promise<Project> {
    const { openProject } = await import('@connectors/core/internal/runtime/open-project.js');
    return openProject(this.projectOptions(flags));
  }

  private projectOptions(flags: { catalog?: string }) {
    checkPathValues({ '--catalog': flags.catalog });
    return { catalog: flags.catalog, shippedCatalogDir, defaultHome: this.config.dataDir };
  }

  /** Writes one line to stdout. */
  protected out(line: string): void {
    process.stdout.write(`${line}\n`);
  }

  /** Writes JSON to stdout, for `--json`. */
  protected outJson(value: unknown): void {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }
}
