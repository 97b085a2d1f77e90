export { describePlugins, type PluginDescription } from './describe-plugins.js';
export { installPlugin, type InstallPluginOptions } from './install.js';
export { loadInstalledPlugins } from './load-installed.js';
export { parsePluginSpec, type PluginSpec } from './plugin-spec.js';
export { pluginsFolder, readInstalledPluginNames } from './plugins-folder.js';
export { uninstallPlugin, type UninstallPluginOptions } from './uninstall.js';
