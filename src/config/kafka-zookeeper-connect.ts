/** zookeeper.connect as ZooKeeper's ConnectStringParser reads it: `host[:port][,host[:port]...][/chroot]`. */
export interface ZooKeeperConnect {
  servers: Array<{ host: string; port: number }>;
  /** Normalised: undefined for none or `/`. */
  chroot?: string;
}

const DEFAULT_ZOOKEEPER_PORT = 2181;

export const ZOOKEEPER_CONNECT_FORM = 'host:port[,host:port...][/chroot] (such as zk1:2181,zk2:2181/kafka)';

/** The parsed string, or what was expected and the part that failed (for an "expected ..., got ..." message). */
export type ZooKeeperConnectResult = ZooKeeperConnect | { expected: string; got: string };

export function parseZooKeeperConnect(text: string): ZooKeeperConnectResult {
  const slash = text.indexOf('/');
  const hostsPart = slash === -1 ? text : text.slice(0, slash);
  let chroot: string | undefined = slash === -1 ? undefined : text.slice(slash);
  if (chroot === '/') chroot = undefined;
  if (chroot !== undefined) {
    const problem = chrootProblem(chroot);
    if (problem) return { expected: `a chroot path without ${problem}`, got: chroot };
  }
  const servers: ZooKeeperConnect['servers'] = [];
  for (const raw of hostsPart.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const server = parseHostPort(item);
    if (server === undefined) return { expected: `${ZOOKEEPER_CONNECT_FORM}; a port from 1 to 65535`, got: item };
    servers.push(server);
  }
  if (servers.length === 0) return { expected: ZOOKEEPER_CONNECT_FORM, got: text };
  return chroot === undefined ? { servers } : { servers, chroot };
}

function parseHostPort(item: string): { host: string; port: number } | undefined {
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(item);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
  } else {
    const colon = item.lastIndexOf(':');
    host = colon === -1 ? item : item.slice(0, colon);
    portText = colon === -1 ? undefined : item.slice(colon + 1);
  }
  if (host === '' || /[\s\[\]]/.test(host)) return undefined;
  if (portText === undefined || portText === '') return { host, port: DEFAULT_ZOOKEEPER_PORT };
  if (!/^\d+$/.test(portText)) return undefined;
  const port = Number(portText);
  return port >= 1 && port <= 65535 ? { host, port } : undefined;
}

/** ZooKeeper's PathUtils.validatePath rules that a chroot can break. */
function chrootProblem(path: string): string | undefined {
  if (path.endsWith('/')) return 'a trailing /';
  if (path.includes('//')) return 'empty node names';
  if (path.includes('\u0000')) return 'null characters';
  for (const segment of path.split('/').slice(1)) {
    if (segment === '.' || segment === '..') return `'.' or '..' nodes`;
  }
  return undefined;
}
