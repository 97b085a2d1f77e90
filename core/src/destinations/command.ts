/**
 * `command:<program and args>` (DESIGN.md section 11): a Singer target. The run's Singer messages
 * go to the program's stdin, exactly as `connectors run` writes them on stdout; its exit status
 * decides the run's success; its stderr (and stdout, where targets print the states they
 * committed) goes to the run's log line by line, redacted. The program runs without a shell, in
 * the run's working directory, with the environment minus `CONNECTORS_SECRET*` and
 * `CONNECTORS_DATABASE_URL`: a target is another program and gets no secret of ours.
 *
 * The connection's state is saved once the target has read everything and exited 0: only then
 * is it known to hold the records the state follows.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DestinationError } from '../errors.js';
import type { StreamOutputInfo } from '../output/output-writer.js';
import { SingerWriter } from '../output/singer-writer.js';
import type { Logger } from '../plugin-api.js';
import type { StateStore, StateValue } from '../streams/state.js';
import type { Destination } from './destination.js';

/** What {@link CommandDestination.start} needs. */
export interface CommandDestinationOptions {
  /** The program and its arguments. */
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  connector: string;
  connection: string;
  /** Where the state is saved after the target exits 0; absent: no state saved. */
  states?: StateStore;
  /** Where the target's output lines go. */
  log: Logger;
  redact: (text: string) => string;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running Singer target: see the module's comment. */
export class CommandDestination implements Destination {
  readonly description: string;
  readonly #options: CommandDestinationOptions;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #singer: SingerWriter;
  readonly #exited: Promise<Exit>;
  readonly #outputDone: Promise<unknown>;
  #exit: Exit | undefined;
  #ending = false;
  #state: StateValue | undefined;
  #closed: Promise<void> | undefined;

  private constructor(options: CommandDestinationOptions, child: ChildProcessWithoutNullStreams) {
    this.#options = options;
    this.#child = child;
    this.description = `command:${options.argv[0]}`;
    child.stdin.on('error', () => undefined); // a target that stops reading: its exit says why
    this.#singer = new SingerWriter(child.stdin, `the stdin of ${this.#program}`);
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
    });
    this.#outputDone = Promise.all([this.#relay(child.stderr), this.#relay(child.stdout)]);
  }

  /**
   * Starts the target and waits until it runs.
   * @throws DestinationError when the program cannot be found or run.
   */
  static start(options: CommandDestinationOptions): Promise<CommandDestination> {
    const [program, ...args] = options.argv;
    return new Promise((resolve, reject) => {
      const child = spawn(program!, args, { cwd: options.cwd, env: targetEnvironment(options.env), stdio: ['pipe', 'pipe', 'pipe'], shell: false, windowsHide: true });
      child.once('error', (error: NodeJS.ErrnoException) => reject(notStarted(program!, error)));
      child.once('spawn', () => resolve(new CommandDestination(options, child)));
    });
  }

  get #program(): string {
    return `the Singer target ${this.#options.argv[0]}`;
  }

  startStream(info: StreamOutputInfo): Promise<void> {
    return this.#send(() => this.#singer.startStream(info));
  }

  writeRecords(stream: string, records: readonly unknown[]): Promise<void> {
    return this.#send(() => this.#singer.writeRecords(stream, records));
  }

  /** A STATE message to the target; the state is saved when the target exits 0. */
  writeState(value: StateValue): Promise<void> {
    this.#state = value;
    return this.#send(() => this.#singer.writeState(value));
  }

  /** Remembers the state: it is saved once the target has exited 0. */
  saveState(value: StateValue): Promise<void> {
    this.#state = value;
    return Promise.resolve();
  }

  endStream(stream: string): Promise<void> {
    return this.#singer.endStream(stream);
  }

  /**
   * Closes the target's stdin, waits for it to exit and, when it exits 0, saves the state.
   * @throws DestinationError when it exited before the end of its input, or with another status.
   */
  close(state: StateValue): Promise<void> {
    this.#closed ??= (async () => {
      const early = this.#exit !== undefined;
      this.#ending = true;
      this.#child.stdin.end();
      const exit = await this.#exited;
      await this.#outputDone;
      if (early) throw this.#earlyExit(exit);
      if (exit.code !== 0) throw new DestinationError(`${capitalize(this.#program)} failed (${describeExit(exit)}); its output is above.`);
      const value = state ?? this.#state;
      if (this.#options.states !== undefined && value !== undefined) await this.#options.states.save(this.#options.connector, this.#options.connection, value);
    })();
    return this.#closed;
  }

  /** One write; a target that exited (or exits while it is written to) is the error. */
  async #send(write: () => Promise<void>): Promise<void> {
    if (this.#exit !== undefined) throw this.#earlyExit(this.#exit);
    try {
      await write();
    } catch (error) {
      // The pipe broke: the target is exiting, wait for its status (briefly) to say so.
      const exit = await Promise.race([this.#exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2000).unref())]);
      if (exit !== undefined) throw this.#earlyExit(exit);
      throw error;
    }
  }

  #earlyExit(exit: Exit): DestinationError {
    return new DestinationError(`${capitalize(this.#program)} exited (${describeExit(exit)}) before the run ended; its output is above.`);
  }

  async #relay(stream: NodeJS.ReadableStream): Promise<void> {
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    const name = this.#options.argv[0]!;
    for await (const line of lines) {
      if (line !== '') this.#options.log.info(this.#options.redact(`${name}: ${line}`));
    }
  }
}

/** The run's environment without what names or opens our secrets. */
export function targetEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('CONNECTORS_SECRET') || name === 'CONNECTORS_DATABASE_URL') continue;
    kept[name] = value;
  }
  return kept;
}

function notStarted(program: string, error: NodeJS.ErrnoException): DestinationError {
  switch (error.code) {
    case 'ENOENT':
      return new DestinationError(`The Singer target ${program} was not found (ENOENT).`, { hint: 'Give its path, or put it on PATH.' });
    case 'EACCES':
      return new DestinationError(`The Singer target ${program} is not executable (EACCES).`, {
        hint: `Make it executable (chmod +x ${program}), or name its interpreter: command:node ${program}.`,
      });
    default:
      return new DestinationError(`The Singer target ${program} cannot be started (${error.code ?? error.message}).`);
  }
}

function describeExit(exit: Exit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit status ${exit.code}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
