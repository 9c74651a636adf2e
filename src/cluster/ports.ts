// Before a local cluster starts: every port it needs must be free, or the user hears which one is taken and by what
// it was meant for (rather than a node dying with EADDRINUSE in its output file).
import { createServer } from 'node:net';
import type { ClusterLayout } from './layout.js';

export interface PortUse {
  host: string;
  port: number;
  what: string;
}

export function portsOf(layout: ClusterLayout): PortUse[] {
  return [
    ...layout.zookeepers.flatMap((z) => [
      { host: z.host, port: z.clientPort, what: `zookeeper ${z.id} client port` },
      { host: z.host, port: z.quorumPort, what: `zookeeper ${z.id} quorum port` },
      { host: z.host, port: z.electionPort, what: `zookeeper ${z.id} election port` },
    ]),
    ...layout.brokers.map((b) => ({ host: b.host, port: b.port, what: `broker ${b.id} port` })),
  ];
}

function isFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The first port that is taken (or out of range), undefined when all are free. */
export async function takenPort(layout: ClusterLayout): Promise<PortUse | undefined> {
  const uses = portsOf(layout);
  const seen = new Map<number, string>();
  for (const use of uses) {
    if (!Number.isInteger(use.port) || use.port < 1 || use.port > 65535) return use;
    if (seen.has(use.port)) return use;
    seen.set(use.port, use.what);
  }
  const free = await Promise.all(uses.map((use) => isFree(use.host, use.port)));
  return uses.find((_, i) => !free[i]);
}
