import { describeSystemError } from '../describe-system-error.js';
import { ConnectorsError } from '../errors.js';
import type { WritableLike } from './output-writer.js';

/**
 * Writes text chunks to a stream, waiting for `drain` whenever the stream's buffer is full, so
 * a fast API never piles records up in memory. A stream that errors or closes (a closed pipe)
 * fails the next write with a {@link ConnectorsError} (code `ERR_OUTPUT_CLOSED`).
 */
export class BackpressureWriter {
  #error: Error | undefined;

  constructor(
    private readonly out: WritableLike,
    private readonly name: string,
  ) {
    out.on('error', (error) => {
      this.#error = error;
    });
  }

  /** Writes `chunk`; resolves at once while the buffer has room, else on `drain`. */
  write(chunk: string): Promise<void> {
    if (this.#error !== undefined) return Promise.reject(this.#closedError(this.#error));
    if (this.out.write(chunk)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        this.out.removeListener('drain', onDrain);
        this.out.removeListener('error', onError);
        this.out.removeListener('close', onClose);
      };
      const onDrain = (): void => {
        done();
        resolve();
      };
      const onError = (error: unknown): void => {
        done();
        reject(this.#closedError(error));
      };
      const onClose = (): void => {
        done();
        reject(this.#closedError(undefined));
      };
      this.out.once('drain', onDrain);
      this.out.once('error', onError);
      this.out.once('close', onClose);
    });
  }

  #closedError(cause: unknown): ConnectorsError {
    const system = describeSystemError(cause, { path: this.name });
    if (system) return new ConnectorsError(system, { code: 'ERR_OUTPUT_CLOSED' });
    const code = cause instanceof Error && 'code' in cause && typeof cause.code === 'string' ? ` (${cause.code})` : '';
    return new ConnectorsError(`The output ${this.name} was closed before the run ended${code}.`, {
      code: 'ERR_OUTPUT_CLOSED',
    });
  }
}
