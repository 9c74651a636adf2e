import { createServer } from 'node:net';

/**
 * A TCP port that was free a moment ago on `host`: listen on port 0, read the port, close. Another process
 * can take it before the caller binds it, so callers that hand it to a child process retry on EADDRINUSE.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`no TCP port from listen on ${host}:0`));
        return;
      }
      server.close((err) => (err ? reject(err) : resolve(address.port)));
    });
  });
}
