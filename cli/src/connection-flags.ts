import * as Flags from '@oclif/core/flags';

/** `--connection`, shared by every command that works on one account of a connector. */
export const connectionFlag = Flags.string({
  char: 'c',
  description: 'The connection (one account of the connector) to use.',
  default: 'default',
});

/** `--config KEY=VALUE`, repeatable. */
export const configFlag = Flags.string({
  description: 'A config value for this run, coerced to the type the manifest declares (repeatable). Beats connectors.config.yaml and the defaults.',
  multiple: true,
  default: [],
});
