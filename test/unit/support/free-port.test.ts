// The ports the integration tests hand to child processes: free, and outside the kernel's ephemeral range, from
// which outgoing connections take their local ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePort } from '../../support/ports.js';

test('freePort gives a port below the ephemeral range that a server can then bind', async () => {
  const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  const ports = new Set<number>();
  for (let i = 0; i < 20; i++) {
    const port = await freePort();
    assert.ok(port >= 10_000 && port < low, `${port} not in [10000, ${low})`);
    ports.add(port);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port, exclusive: true }, resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  }
  assert.ok(ports.size > 1, 'the same port every time');
});
