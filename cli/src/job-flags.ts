import * as Flags from '@oclif/core/flags';
import { connectionFlag } from './connection-flags.js';

/** The flags that say what a queued run does: `enqueue` and `schedule add`. */
export const jobRunFlags = {
  connection: connectionFlag,
  stream: Flags.string({ char: 's', description: 'A stream to run (repeatable). Default: every stream.', multiple: true, default: [] }),
  'full-refresh': Flags.boolean({ description: 'Ignore the saved state and read everything (the new state is still saved).' }),
  destination: Flags.string({
    char: 'd',
    description: 'Where the records go: postgres (the store\'s database, the default), postgres:<url> (no password: workers use PGPASSWORD or ~/.pgpass), dir:<path> or command:<Singer target and args>.',
  }),
  queue: Flags.string({ description: 'The queue (workers take the jobs of theirs with `connectors worker --queue`).', default: 'default' }),
};

/** The options of a job from {@link jobRunFlags}. */
export function jobRunOptions(name: string, flags: { connection: string; stream: string[]; 'full-refresh': boolean; destination?: string; queue: string }) {
  return { connector: name, connection: flags.connection, streams: flags.stream, fullRefresh: flags['full-refresh'], destination: flags.destination, queue: flags.queue };
}
