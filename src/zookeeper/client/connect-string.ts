// `host:port[,host:port...][/chroot]` as Java's ConnectStringParser reads it, and the order in which hosts are
// tried (Java's StaticHostProvider: shuffled once, then round robin, with a pause after each full cycle).
import { IllegalArgumentError } from './errors.js';
import { validatePath } from './paths.js';

export const DEFAULT_CLIENT_PORT = 2181;

export interface HostAddress {
  host: string;
  port: number;
}

export interface ConnectString {
  hosts: HostAddress[];
  /** null when absent or "/". */
  chroot: string | null;
}

function parsePort(text: string, entry: string): number {
  if (!/^\d+$/.test(text)) throw new IllegalArgumentError(`Invalid port "${text}" in connect string entry "${entry}"`);
  const port = Number(text);
  if (port > 65535) throw new IllegalArgumentError(`Port out of range in connect string entry "${entry}"`);
  return port;
}

function parseHost(entry: string): HostAddress {
  // [v6-address]:port or [v6-address]
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(entry);
  if (v6) return { host: v6[1], port: v6[2] !== undefined ? parsePort(v6[2], entry) : DEFAULT_CLIENT_PORT };
  const colon = entry.lastIndexOf(':');
  if (colon < 0) return { host: entry, port: DEFAULT_CLIENT_PORT };
  // A trailing ':' means the default port, as in Java.
  const port = colon < entry.length - 1 ? parsePort(entry.slice(colon + 1), entry) : DEFAULT_CLIENT_PORT;
  return { host: entry.slice(0, colon), port };
}

export function parseConnectString(connectString: string): ConnectString {
  let hostPart = connectString;
  let chroot: string | null = null;
  const slash = connectString.indexOf('/');
  if (slash >= 0) {
    const path = connectString.slice(slash);
    if (path.length > 1) {
      validatePath(path);
      chroot = path;
    }
    hostPart = connectString.slice(0, slash);
  }
  const hosts = hostPart
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(parseHost);
  if (hosts.length === 0) throw new IllegalArgumentError('A HostProvider may not be empty!');
  return { hosts, chroot };
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export interface NextHost extends HostAddress {
  /** How long to wait before trying it: spinDelayMs once a whole cycle has failed, else 0. */
  delayMs: number;
}

export class HostProvider {
  readonly hosts: readonly HostAddress[];
  private current = -1;
  private lastConnected = -1;

  constructor(hosts: readonly HostAddress[], random: () => number = Math.random) {
    if (hosts.length === 0) throw new IllegalArgumentError('A HostProvider may not be empty!');
    this.hosts = shuffled(hosts, random);
  }

  get size(): number {
    return this.hosts.length;
  }

  next(spinDelayMs: number): NextHost {
    this.current = (this.current + 1) % this.hosts.length;
    const wrapped = this.current === this.lastConnected && spinDelayMs > 0;
    // No pause before the very first attempt.
    if (this.lastConnected === -1) this.lastConnected = 0;
    return { ...this.hosts[this.current], delayMs: wrapped ? spinDelayMs : 0 };
  }

  onConnected(): void {
    this.lastConnected = this.current;
  }
}

export function formatHost(h: HostAddress): string {
  return h.host.includes(':') ? `[${h.host}]:${h.port}` : `${h.host}:${h.port}`;
}
