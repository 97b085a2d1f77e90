// A tiny Language Server Protocol client for the end-to-end editor test and bench/editor: it
// starts yaml-language-server over stdio as a child process and speaks JSON-RPC with
// Content-Length framing. Plain JavaScript, so that the bench script can use it without a build.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The yaml-language-server entry point of the test workspace's devDependency. */
export const yamlLanguageServerBin = join(dirname(require.resolve('yaml-language-server/package.json')), 'bin', 'yaml-language-server');

/**
 * The settings an editor would send: validation, hover and completion on, and no schema store
 * (the server would fetch its catalog from the network; schemas come from the modeline only).
 */
export const editorSettings = {
  validate: true,
  hover: true,
  completion: true,
  schemaStore: { enable: false },
  kubernetesCRDStore: { enable: false },
};

/**
 * Splits a byte stream into JSON-RPC messages framed by `Content-Length` headers.
 * @param {(message: any) => void} onMessage
 */
function createFrameReader(onMessage) {
  let buffer = Buffer.alloc(0);
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: *(\d+)/i.exec(buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
      if (!Number.isFinite(length)) throw new Error('a language server message has no Content-Length header');
      const start = headerEnd + 4;
      if (buffer.length < start + length) return;
      const body = buffer.subarray(start, start + length).toString('utf8');
      buffer = buffer.subarray(start + length);
      onMessage(JSON.parse(body));
    }
  };
}

/** One JSON-RPC message with its Content-Length header. */
function frame(message) {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

/** Rejects after `ms` with a sentence naming what was awaited. */
function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the language server gave no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A running yaml-language-server and the messages it has sent. */
export class LanguageServer {
  /** @param {import('node:child_process').ChildProcessWithoutNullStreams} child */
  constructor(child, settings, timeoutMs) {
    this.child = child;
    this.settings = settings;
    this.timeoutMs = timeoutMs;
    this.nextId = 1;
    this.pending = new Map();
    /** uri -> diagnostics of each publish, in order */
    this.published = new Map();
    this.waiters = [];
    this.stderr = '';
    this.exited = false;
    child.stdout.on('data', createFrameReader((message) => this.receive(message)));
    child.stderr.setEncoding('utf8').on('data', (text) => (this.stderr += text));
    child.on('exit', (code, signal) => {
      this.exited = true;
      const error = new Error(`the language server exited (code ${code}, signal ${signal}): ${this.stderr.trim().split('\n').pop() ?? ''}`);
      for (const { reject } of this.pending.values()) reject(error);
      for (const waiter of this.waiters) waiter.reject(error);
      this.pending.clear();
      this.waiters = [];
    });
  }

  /**
   * Starts the server, initializes it with `settings` under `yaml` and waits until it has applied
   * them (it answers `yaml/schema/store/initialized` once its configuration is set).
   * @param {{ rootUri: string, settings?: object, timeoutMs?: number }} options
   */
  static async start({ rootUri, settings = editorSettings, timeoutMs = 60_000 }) {
    const child = spawn(process.execPath, [yamlLanguageServerBin, '--stdio'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const server = new LanguageServer(child, settings, timeoutMs);
    await server.initialize(rootUri);
    return server;
  }

  async initialize(rootUri) {
    const initialized = await this.request('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'root' }],
      capabilities: {
        textDocument: {
          publishDiagnostics: { relatedInformation: true },
          completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
      },
    });
    /** The version the server reports, e.g. 1.25.0. */
    this.serverVersion = initialized?.serverInfo?.version;
    const configured = this.nextNotification('yaml/schema/store/initialized');
    this.notify('yaml/supportSchemaSelection', {});
    this.notify('initialized', {});
    await configured;
  }

  receive(message) {
    if (message.id !== undefined && message.method === undefined) {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) pending?.reject(new Error(`${pending.method} failed: ${message.error.message}`));
      else pending?.resolve(message.result);
      return;
    }
    if (message.id !== undefined) {
      this.send({ jsonrpc: '2.0', id: message.id, result: this.answer(message) });
      return;
    }
    if (message.method === 'textDocument/publishDiagnostics') {
      const { uri, diagnostics } = message.params;
      this.published.set(uri, [...(this.published.get(uri) ?? []), diagnostics]);
    }
    for (const waiter of [...this.waiters]) {
      if (waiter.matches(message)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message.params);
      }
    }
  }

  /** What an editor answers to the server's own requests: the settings asked for, else null. */
  answer(message) {
    if (message.method === 'workspace/configuration') {
      return message.params.items.map((item) => (item.section === 'yaml' ? this.settings : null));
    }
    return null;
  }

  send(message) {
    if (!this.exited) this.child.stdin.write(frame(message));
  }

  notify(method, params) {
    this.send({ jsonrpc: '2.0', method, params });
  }

  request(method, params) {
    const id = this.nextId++;
    const answered = new Promise((resolve, reject) => this.pending.set(id, { method, resolve, reject }));
    this.send({ jsonrpc: '2.0', id, method, params });
    return withTimeout(answered, this.timeoutMs, `answer to ${method}`);
  }

  nextNotification(method, matches = () => true) {
    const notified = new Promise((resolve, reject) => {
      this.waiters.push({ matches: (message) => message.method === method && matches(message.params), resolve, reject });
    });
    return withTimeout(notified, this.timeoutMs, method);
  }

  /**
   * Opens a YAML document and resolves with the diagnostics the server first publishes for it.
   * @param {string} uri
   * @param {string} text
   */
  async open(uri, text) {
    const published = this.nextNotification('textDocument/publishDiagnostics', (params) => params.uri === uri);
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    return (await published).diagnostics;
  }

  close(uri) {
    this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  completion(uri, position) {
    return this.request('textDocument/completion', { textDocument: { uri }, position });
  }

  hover(uri, position) {
    return this.request('textDocument/hover', { textDocument: { uri }, position });
  }

  /** Shuts the server down as an editor does; kills it if it does not exit in time. */
  async stop() {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    try {
      await this.request('shutdown', null);
      this.notify('exit', null);
      await withTimeout(exited, 10_000, 'exit');
    } catch {
      this.child.kill('SIGKILL');
      await exited;
    }
  }
}
