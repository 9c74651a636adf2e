import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where ports are drawn from when the system's ephemeral range cannot be read. */
const DEFAULT_EPHEMERAL_LOW = 32768;
const LOWEST = 10_000;
const ATTEMPTS = 50;

/**
 * The first port of the range the kernel takes ephemeral ports from: those of outgoing connections and of
 * listen(0). A port below it is never given to either.
 */
function readEphemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST + 1000 ? low : DEFAULT_EPHEMERAL_LOW;
  } catch {
    return DEFAULT_EPHEMERAL_LOW;
  }
}

let ephemeralLowRead: number | undefined;
const ephemeralLow = () => (ephemeralLowRead ??= readEphemeralLow());

/** Listens on `port` (0: any) and closes again: the port it got, or null when that port is taken. */
function probe(host: string, port: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' || err.code === 'EACCES' ? resolve(null) : reject(err)));
    server.listen({ host, port, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`no TCP port from listen on ${host}:${port}`));
        return;
      }
      server.close((err) => (err ? reject(err) : resolve(address.port)));
    });
  });
}

/**
 * A TCP port that was free a moment ago on `host`, for a child process to bind. It is drawn at random from below
 * the kernel's ephemeral range: a port from listen(0) is one an outgoing connection anywhere on the machine can take
 * as its local port before the child binds it (other tests' clients, under a loaded run), and a server that cannot
 * bind its quorum or election port never joins its ensemble. Another process can still bind the same port first, so
 * callers that can retry on EADDRINUSE do.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const high = ephemeralLow() - 1;
  for (let i = 0; i < ATTEMPTS; i++) {
    const port = await probe(host, LOWEST + Math.floor(Math.random() * (high - LOWEST + 1)));
    if (port !== null) return port;
  }
  const any = await probe(host, 0);
  if (any === null) throw new Error(`no free TCP port on ${host}`);
  return any;
}

/** Whether `port` on `host` could be listened on just now. */
export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return (await probe(host, port)) !== null;
}

/**
 * `count` runs of `width` consecutive ports, the runs `spacing` apart (base, base + spacing, …), all free a moment
 * ago: for a tool given base ports that it counts up from. Drawn from below the kernel's ephemeral range, as
 * freePort's are: there a client connecting anywhere on the machine cannot take one of them as its local port.
 */
export async function freePortRuns(count: number, width: number, spacing: number, host = '127.0.0.1'): Promise<number[]> {
  const span = spacing * (count - 1) + width;
  const high = ephemeralLow() - span;
  for (let i = 0; i < ATTEMPTS; i++) {
    const base = LOWEST + Math.floor(Math.random() * (high - LOWEST));
    const bases = Array.from({ length: count }, (_, k) => base + k * spacing);
    const ports = bases.flatMap((b) => Array.from({ length: width }, (_, k) => b + k));
    if ((await Promise.all(ports.map((port) => isPortFree(port, host)))).every(Boolean)) return bases;
  }
  throw new Error(`no ${count} runs of ${width} free TCP ports on ${host}`);
}
