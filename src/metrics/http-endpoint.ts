// The HTTP side of a metrics page: GET (or HEAD) on one path answers the page rendered at that moment in the
// Prometheus text format; other paths get 404, other methods 405. Bound to the configured host and port (0 = any
// free port, reported back).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTENT_TYPE } from './exposition.js';

export interface MetricsEndpointOptions {
  host: string;
  port: number;
  /** Default /metrics. */
  path?: string;
  render: () => string | Promise<string>;
}

export interface MetricsEndpoint {
  host: string;
  port: number;
  close(): Promise<void>;
}

export function startMetricsEndpoint(opts: MetricsEndpointOptions): Promise<MetricsEndpoint> {
  const path = opts.path ?? '/metrics';
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    if ((q === -1 ? url : url.slice(0, q)) !== path) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`Not found: ${path} serves the metrics\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
      return;
    }
    Promise.resolve()
      .then(opts.render)
      .then(
        (text) => {
          const body = Buffer.from(text, 'utf8');
          res.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': body.length });
          res.end(req.method === 'HEAD' ? undefined : body);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`Cannot render metrics: ${(err as Error)?.message ?? String(err)}\n`);
        },
      );
  });
  // A scraper's idle keep-alive connection must not hold the process open.
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const where = `${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`;
      reject(new Error(`cannot serve metrics on ${where}: ${err.code === 'EADDRINUSE' ? 'Address already in use' : err.message}`, { cause: err }));
    });
    server.listen({ host: opts.host, port: opts.port }, () => {
      server.removeAllListeners('error');
      server.on('error', () => undefined);
      const { port } = server.address() as AddressInfo;
      let closing: Promise<void> | null = null;
      resolve({
        host: opts.host,
        port,
        close: () => {
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          });
          return closing;
        },
      });
    });
  });
}
