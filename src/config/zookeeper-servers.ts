import type { PropertyReader } from './property-reader.js';

export type PeerRole = 'participant' | 'observer';

export interface QuorumServerSpec {
  id: number;
  host: string;
  quorumPort: number;
  electionPort: number;
  role: PeerRole;
  clientHost?: string;
  clientPort?: number;
}

const SERVER_FORMAT = 'host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]';

/** Reads every `server.N=host:quorumPort:electionPort[:role][;[clientHost:]clientPort]` line. */
export function parseServers(reader: PropertyReader): Map<number, QuorumServerSpec> {
  const servers = new Map<number, QuorumServerSpec>();
  const keys = reader.keys().filter((key) => key.startsWith('server.'));
  for (const key of keys) {
    const idText = key.slice('server.'.length);
    if (!/^\d+$/.test(idText) || !Number.isSafeInteger(Number(idText))) {
      throw reader.fail(key, 'server.N with N a non-negative integer server id', key);
    }
    const id = Number(idText);
    if (servers.has(id)) throw reader.fail(key, `one server.${id} line`, key);
    servers.set(id, parseServer(reader, key, id));
  }
  return new Map([...servers].sort(([a], [b]) => a - b));
}

function parseServer(reader: PropertyReader, key: string, id: number): QuorumServerSpec {
  const value = reader.raw(key) ?? '';
  const fail = (expected = SERVER_FORMAT) => reader.fail(key, expected);
  const serverClient = value.split(';');
  if (serverClient.length > 2) throw fail();
  const serverPart = serverClient[0]!.trim();
  if (serverPart.includes('|')) throw fail('a single address (multiple addresses per server are not supported)');
  const parts = splitHostAndPorts(serverPart);
  if (!parts || parts.length < 3 || parts.length > 4) throw fail();
  const [host, quorumText, electionText, roleText] = parts as [string, string, string, string | undefined];
  const quorumPort = parsePort(quorumText);
  const electionPort = parsePort(electionText);
  if (host === '' || quorumPort === undefined || quorumPort === 0 || electionPort === undefined || electionPort === 0) {
    throw fail();
  }
  if (quorumPort === electionPort) throw fail('different quorum and election ports');
  let role: PeerRole = 'participant';
  if (roleText !== undefined) {
    const lower = roleText.trim().toLowerCase();
    if (lower !== 'participant' && lower !== 'observer') throw fail(`a role 'participant' or 'observer' in ${SERVER_FORMAT}`);
    role = lower;
  }
  const spec: QuorumServerSpec = { id, host, quorumPort, electionPort, role };
  if (serverClient.length === 2) {
    const clientParts = splitHostAndPorts(serverClient[1]!.trim());
    if (!clientParts || clientParts.length > 2) throw fail();
    const clientPort = parsePort(clientParts[clientParts.length - 1]!);
    if (clientPort === undefined) throw fail();
    if (clientParts.length === 2) spec.clientHost = clientParts[0]!;
    spec.clientPort = clientPort;
  }
  return spec;
}

/** `host:a:b`, `[v6]:a:b` → [host, a, b]; undefined for an unclosed bracket. */
function splitHostAndPorts(text: string): string[] | undefined {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return undefined;
    const host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest === '') return [host];
    if (!rest.startsWith(':')) return undefined;
    return [host, ...rest.slice(1).split(':')];
  }
  return text.split(':');
}

function parsePort(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,5}$/.test(trimmed)) return undefined;
  const port = Number(trimmed);
  return port <= 65535 ? port : undefined;
}
