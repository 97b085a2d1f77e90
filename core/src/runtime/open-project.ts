import type { DependencyContainer } from 'tsyringe';
import { createProjectContainer } from '../container.js';
import { resolveProject, type ProjectOptions, type ResolvedProject } from './resolve-project.js';

export { resolveHomeDir, type ProjectOptions } from './resolve-project.js';

/** The project a command works in: its config, catalog, schemes (with plugins) and home folder. */
export interface Project extends ResolvedProject {
  /** Where commands resolve the secret store, session manager, HTTP client factory, clock, logger. */
  container: DependencyContainer;
}

/**
 * {@link resolveProject}, plus the container the commands that authenticate or run resolve
 * their collaborators from (the secret store, session manager, HTTP client factory, ...).
 */
export async function openProject(options: ProjectOptions = {}): Promise<Project> {
  const project = await resolveProject(options);
  const { home, env, registry, storeTypes, config } = project;
  const container = createProjectContainer({ home, env, registry, storeTypes, secretStore: config?.secret_store, configDir: config?.dir });
  return { ...project, container };
}
