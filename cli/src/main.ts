import { flush } from '@oclif/core/flush';
import { run } from '@oclif/core/run';
import { addCommandLinePasswords } from '@connectors/core/internal/runtime/process-redactor.js';
import { handleError } from './handle-error.js';

/**
 * Runs the command line through oclif, then prints any error as one sentence with its exit code.
 * The bin imports this from the build's bundle (`dist/bundle/main.js`), so that oclif, the error
 * handling and the command being run share one copy of oclif and of core's error classes.
 */
export async function main(argv: string[], binUrl: string): Promise<void> {
  addCommandLinePasswords(argv); // a URL's password on the command line is never printed back
  try {
    await run(argv, binUrl);
    await flush();
  } catch (error) {
    handleError(error);
  }
}
