import { Flags } from '@oclif/core';
import { resolveServeOptions, startServe } from '@connectors/core';
import { ProjectCommand } from '../project-command.js';

export default class Serve extends ProjectCommand {
  static override summary = 'Serve the connections: a proxy that applies their credentials, renewing them ahead of expiry.';
  static override description = `Every request but /healthz and /readyz needs a caller token (connectors callers add). One JSON audit line per request and per renewal goes to stderr. SIGTERM or SIGINT lets requests in flight finish (up to 10 s) and exits 0.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --port 9000',
    '<%= config.bin %> <%= command.id %> --host 0.0.0.0 --tls-cert cert.pem --tls-key key.pem',
  ];
  static override flags = {
    host: Flags.string({ description: 'The address to listen on. Default: `serve.host` in connectors.config.yaml, else 127.0.0.1.' }),
    port: Flags.integer({ description: 'The TCP port. Default: `serve.port`, else 8787.', min: 0, max: 65535 }),
    'tls-cert': Flags.string({ description: 'PEM certificate file: serve HTTPS.', dependsOn: ['tls-key'] }),
    'tls-key': Flags.string({ description: 'PEM private key file of --tls-cert.', dependsOn: ['tls-cert'] }),
    'insecure-http': Flags.boolean({ description: 'Allow plain HTTP on a non-loopback host (caller keys then cross the network in clear text).' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve);
    const project = await this.openProject(flags);
    const options = resolveServeOptions(
      { host: flags.host, port: flags.port, tlsCert: flags['tls-cert'], tlsKey: flags['tls-key'], insecureHttp: flags['insecure-http'] },
      project.config,
      project.cwd,
    );
    const server = await startServe(project, options);
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), event: 'listening', url: server.url })}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        resolve();
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    await server.close();
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), event: 'stopped' })}\n`);
  }
}
