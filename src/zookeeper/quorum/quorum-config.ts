// The membership as dynamic reconfiguration sees it: the server lines plus a version (the zxid of the reconfig
// that made it, 0 for a config written by hand). Text form as Apache's QuorumMaj.toString(): one
// `server.N=host:quorumPort:electionPort:role;clientHost:clientPort` line per server in id order, then
// `version=<hex>`; the same text is the data of /zookeeper/config and is carried in notifications and NEWLEADER.
import { ConfigError } from '../../config/config-error.js';
import { parseProperties } from '../../config/properties.js';
import { PropertyReader } from '../../config/property-reader.js';
import { parseServers, type QuorumServerSpec } from '../../config/zookeeper-servers.js';
import { MajorityQuorumVerifier } from './quorum-verifier.js';

export interface QuorumConfig {
  servers: Map<number, QuorumServerSpec>;
  version: bigint;
}

export function serverLine(s: QuorumServerSpec): string {
  let text = `server.${s.id}=${s.host}:${s.quorumPort}:${s.electionPort}:${s.role}`;
  if (s.clientPort !== undefined) text += `;${s.clientHost ?? '0.0.0.0'}:${s.clientPort}`;
  return text;
}

export function configText(c: QuorumConfig): string {
  let text = '';
  for (const s of [...c.servers.values()].sort((a, b) => a.id - b.id)) text += `${serverLine(s)}\n`;
  return `${text}version=${c.version.toString(16)}`;
}

/**
 * The lines of a dynamic config file (zoo.cfg.dynamic.<hex>): the server lines sorted as text, without the
 * version (it is in the file name), as QuorumPeerConfig.writeDynamicConfig writes them.
 */
export function dynamicFileText(c: QuorumConfig): string {
  return [...c.servers.values()].map(serverLine).sort().join('\n');
}

/** Parses server lines (newline- or comma-separated) and an optional `version=<hex>`; throws ConfigError. */
export function parseConfigText(text: string, source = 'config'): QuorumConfig {
  const entries = parseProperties(text.replace(/,/g, '\n'));
  const r = new PropertyReader(source, entries);
  for (const key of r.keys()) {
    if (key !== 'version' && !key.startsWith('server.')) throw r.failText(key, `unexpected key ${key} in a membership config`);
  }
  const versionText = r.raw('version');
  let version = 0n;
  if (versionText !== undefined) {
    if (!/^[0-9a-fA-F]{1,16}$/.test(versionText.trim())) throw r.fail('version', 'a hexadecimal version');
    version = BigInt.asIntN(64, BigInt(`0x${versionText.trim()}`));
  }
  return { servers: parseServers(r), version };
}

/** parseConfigText that answers null instead of throwing. */
export function tryParseConfigText(text: string): QuorumConfig | null {
  try {
    return parseConfigText(text);
  } catch (err) {
    if (err instanceof ConfigError) return null;
    throw err;
  }
}

export function verifierOf(c: QuorumConfig): MajorityQuorumVerifier {
  return new MajorityQuorumVerifier([...c.servers.values()].map((s) => ({ sid: BigInt(s.id), type: s.role })), c.version);
}

export function sameMembership(a: QuorumConfig, b: QuorumConfig): boolean {
  if (a.servers.size !== b.servers.size) return false;
  for (const s of a.servers.values()) {
    const o = b.servers.get(s.id);
    if (!o || serverLine(o) !== serverLine(s)) return false;
  }
  return true;
}
