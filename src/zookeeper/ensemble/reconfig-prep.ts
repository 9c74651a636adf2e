// The leader's checks of a reconfig request (PrepRequestProcessor, OpCode.reconfig) and the config it makes:
// incremental (-add/-remove on the active majority config) or bulk (-members), with version = the txn's zxid.
import { ConfigError } from '../../config/config-error.js';
import { Err } from '../jute/constants.js';
import type { ReconfigRequest } from '../jute/records.generated.js';
import { configText, parseConfigText, verifierOf, type QuorumConfig } from '../quorum/quorum-config.js';
import type { MajorityQuorumVerifier } from '../quorum/quorum-verifier.js';
import { KeeperError } from '../server/request.js';

/** What the checks need from the leader. */
export interface ReconfigLeaderView {
  readonly reconfigInProgress: boolean;
  readonly activeConfig: QuorumConfig | null;
  quorumSyncedIn(v: MajorityQuorumVerifier): boolean;
}

export function prepareReconfig(leader: ReconfigLeaderView, r: ReconfigRequest, zxid: bigint, standaloneEnabled: boolean): Buffer {
  const current = leader.activeConfig;
  if (!current) throw new KeeperError(Err.UNIMPLEMENTED);
  if (leader.reconfigInProgress) throw new KeeperError(Err.RECONFIGINPROGRESS);
  if (r.curConfigId !== -1n && r.curConfigId !== current.version) throw new KeeperError(Err.BADVERSION);
  let next: QuorumConfig;
  if (r.newMembers != null) {
    next = { servers: parse(r.newMembers).servers, version: zxid };
  } else {
    const servers = new Map(current.servers);
    for (const leaving of split(r.leavingServers)) {
      if (!/^\d+$/.test(leaving)) throw new KeeperError(Err.BADARGUMENTS);
      servers.delete(Number(leaving));
    }
    for (const joining of split(r.joiningServers)) {
      if (joining.split('=').length !== 2) throw new KeeperError(Err.BADARGUMENTS);
      const joined = parse(joining).servers;
      for (const s of joined.values()) {
        // "Wrong format of server string - each server should have 3 ports specified".
        if (s.clientPort === undefined) throw new KeeperError(Err.BADARGUMENTS);
        for (const other of servers.values()) {
          if (other.id === s.id) continue;
          const used = new Set([`${other.host}:${other.quorumPort}`, `${other.host}:${other.electionPort}`]);
          if (used.has(`${s.host}:${s.quorumPort}`) || used.has(`${s.host}:${s.electionPort}`)) throw new KeeperError(Err.BADARGUMENTS);
        }
        servers.set(s.id, s);
      }
    }
    next = { servers: new Map([...servers].sort(([a], [b]) => a - b)), version: zxid };
  }
  const voters = [...next.servers.values()].filter((s) => s.role === 'participant').length;
  // "Reconfig failed - new configuration must include at least 2 followers" (1 with standaloneEnabled=false).
  if (voters < (standaloneEnabled ? 2 : 1)) throw new KeeperError(Err.BADARGUMENTS);
  if (!leader.quorumSyncedIn(verifierOf(next))) throw new KeeperError(Err.NEWCONFIGNOQUORUM);
  return Buffer.from(configText(next), 'utf8');
}

function split(list: string | null): string[] {
  return (list ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function parse(text: string): QuorumConfig {
  try {
    return parseConfigText(text, 'reconfig');
  } catch (err) {
    if (err instanceof ConfigError) throw new KeeperError(Err.BADARGUMENTS);
    throw err;
  }
}
