// Dynamic reconfiguration's pure parts: the config text, the leader's request checks, ZAB's activation packets
// (COMMITANDACTIVATE / INFORMANDACTIVATE) between a leader and its learners, and the files next to zoo.cfg.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadZooKeeperConfig } from '../../../../src/config/zookeeper-config.js';
import { Err, OpCode } from '../../../../src/zookeeper/jute/constants.js';
import { writeDynamicConfig } from '../../../../src/zookeeper/ensemble/dynamic-config-file.js';
import { prepareReconfig, type ReconfigLeaderView } from '../../../../src/zookeeper/ensemble/reconfig-prep.js';
import { configText, dynamicFileText, parseConfigText, verifierOf, type QuorumConfig } from '../../../../src/zookeeper/quorum/quorum-config.js';
import type { MajorityQuorumVerifier } from '../../../../src/zookeeper/quorum/quorum-verifier.js';
import { PacketType } from '../../../../src/zookeeper/quorum/wire/packet-types.js';
import { encodeQuorumPacket, toQuorumPacket } from '../../../../src/zookeeper/quorum/wire/quorum-packet.js';
import type { ZabMessage } from '../../../../src/zookeeper/quorum/wire/zab-messages.js';
import { ZabLeader, javaHashSetOrder } from '../../../../src/zookeeper/quorum/zab/leader.js';
import { ZabLearner } from '../../../../src/zookeeper/quorum/zab/learner.js';
import { DEFAULT_ZAB_LIMITS, PersistIds, type ZabOutput } from '../../../../src/zookeeper/quorum/zab/types.js';
import { KeeperError } from '../../../../src/zookeeper/server/request.js';
import { encodeTxn } from '../../../../src/zookeeper/tree/txn.js';

const line = (sid: number, role = 'participant') => `server.${sid}=127.0.0.1:${2000 + sid}:${3000 + sid}:${role};127.0.0.1:${4000 + sid}`;
const three = parseConfigText([1, 2, 3].map((s) => line(s)).join('\n'));

test('config text: QuorumMaj.toString order and hex version; the dynamic file sorts lines and drops the version', () => {
  const c: QuorumConfig = { ...parseConfigText(`${line(10)},${line(2, 'observer')},${line(1)}`), version: 0x100000003n };
  assert.equal(configText(c), `${line(1)}\n${line(2, 'observer')}\n${line(10)}\nversion=100000003`);
  // Sorted as Java sorts strings: '0' (0x30) before '=' (0x3d).
  assert.equal(dynamicFileText(c), [line(10), line(1), line(2, 'observer')].join('\n'));
  assert.deepEqual(parseConfigText(configText(c)), c);
  assert.equal(configText(parseConfigText('server.7=h:1:2')), 'server.7=h:1:2:participant\nversion=0');
});

function view(over: Partial<ReconfigLeaderView> & { synced?: number[] } = {}): ReconfigLeaderView {
  const synced = (over.synced ?? [1, 2, 3]).map(BigInt);
  return {
    reconfigInProgress: over.reconfigInProgress ?? false,
    activeConfig: 'activeConfig' in over ? over.activeConfig! : { ...three, version: 0x100000000n },
    quorumSyncedIn: (v: MajorityQuorumVerifier) => v.containsQuorum(synced),
  };
}
const code = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    if (err instanceof KeeperError) return err.code;
    throw err;
  }
  return 0;
};
const req = (r: { joiningServers?: string; leavingServers?: string; newMembers?: string; curConfigId?: bigint }) => ({
  joiningServers: r.joiningServers ?? null, leavingServers: r.leavingServers ?? null, newMembers: r.newMembers ?? null, curConfigId: r.curConfigId ?? -1n,
});

test("the leader's reconfig checks: in progress, version, format, voters, a synced quorum of the new config", () => {
  const zxid = 0x100000005n;
  assert.equal(code(() => prepareReconfig(view({ reconfigInProgress: true }), req({ leavingServers: '3' }), zxid, true)), Err.RECONFIGINPROGRESS);
  assert.equal(code(() => prepareReconfig(view(), req({ leavingServers: '3', curConfigId: 0x1n }), zxid, true)), Err.BADVERSION);
  assert.equal(code(() => prepareReconfig(view(), req({ joiningServers: 'server.4=127.0.0.1:2004:3004' }), zxid, true)), Err.BADARGUMENTS);
  assert.equal(code(() => prepareReconfig(view(), req({ joiningServers: `server.4=127.0.0.1:2001:3004;4004` }), zxid, true)), Err.BADARGUMENTS);
  assert.equal(code(() => prepareReconfig(view(), req({ leavingServers: '2,3' }), zxid, true)), Err.BADARGUMENTS);
  assert.equal(code(() => prepareReconfig(view(), req({ leavingServers: '2,3' }), zxid, false)), 0);
  assert.equal(code(() => prepareReconfig(view(), req({ newMembers: `${line(7)},${line(8)},${line(9)}` }), zxid, true)), Err.NEWCONFIGNOQUORUM);
  assert.equal(code(() => prepareReconfig(view({ synced: [1] }), req({ joiningServers: line(4) }), zxid, true)), Err.NEWCONFIGNOQUORUM);
  assert.equal(code(() => prepareReconfig(view({ activeConfig: null }), req({ leavingServers: '3' }), zxid, true)), Err.UNIMPLEMENTED);

  const added = prepareReconfig(view(), req({ joiningServers: `${line(4)},${line(5, 'observer')}`, leavingServers: '1', curConfigId: 0x100000000n }), zxid, true).toString();
  assert.equal(added, `${line(2)}\n${line(3)}\n${line(4)}\n${line(5, 'observer')}\nversion=100000005`);
  const bulk = prepareReconfig(view(), req({ newMembers: `${line(1)},${line(2)}` }), zxid, true).toString();
  assert.equal(bulk, `${line(1)}\n${line(2)}\nversion=100000005`);
});

test('COMMITANDACTIVATE and INFORMANDACTIVATE on the wire: the designated leader as a long before the txn', () => {
  const caa = encodeQuorumPacket(toQuorumPacket({ type: PacketType.COMMITANDACTIVATE, zxid: 0x100000007n, designatedLeader: 2n }));
  assert.equal(caa.toString('hex'), '00000009' + '0000000100000007' + '00000008' + '0000000000000002' + 'ffffffff');
  const iaa = encodeQuorumPacket(toQuorumPacket({ type: PacketType.INFORMANDACTIVATE, txn: { zxid: 0x100000007n, data: Buffer.from('tx') }, designatedLeader: 3n }));
  assert.equal(iaa.toString('hex'), '00000013' + '0000000100000007' + '0000000a' + '0000000000000003' + Buffer.from('tx').toString('hex') + 'ffffffff');
});

/** A leader (1), followers 2 and 3, a joining non-member follower 4 and observer 5; messages delivered at once. */
class Ring {
  readonly sent: string[] = [];
  readonly activated = new Map<bigint, string[]>();
  readonly stopped = new Set<bigint>();
  readonly pending: { sid: bigint; id: number }[] = [];
  readonly ids = new Map<bigint, PersistIds>();
  readonly leader: ZabLeader;
  readonly learners = new Map<bigint, ZabLearner>();

  constructor() {
    const config = { ...three, servers: new Map([...three.servers, [5, parseConfigText(line(5, 'observer')).servers.get(5)!]]), version: 0n };
    const durable = { acceptedEpoch: 0, currentEpoch: 0, snapshotZxid: 0n, log: [] };
    this.leader = new ZabLeader({ mySid: 1n, verifier: verifierOf(config), limits: DEFAULT_ZAB_LIMITS, durable, appliedZxid: 0n, persistIds: this.idsOf(1n), quorumConfig: config });
    this.take(1n, this.leader.start());
    for (const [sid, observer] of [[2n, false], [3n, false], [4n, false], [5n, true]] as const) {
      const l = new ZabLearner({ mySid: sid, leaderSid: 1n, observer, limits: DEFAULT_ZAB_LIMITS, durable: { ...durable, log: [] }, persistIds: this.idsOf(sid), reconfigEnabled: true });
      this.learners.set(sid, l);
      this.take(sid, l.connected());
    }
    this.flush();
  }

  private idsOf(sid: bigint): PersistIds {
    if (!this.ids.has(sid)) this.ids.set(sid, new PersistIds());
    return this.ids.get(sid)!;
  }

  take(sid: bigint, outs: ZabOutput[]): void {
    for (const o of outs) {
      if (o.kind === 'send') {
        const m: ZabMessage = o.message;
        if (m.type === PacketType.COMMITANDACTIVATE || m.type === PacketType.INFORMANDACTIVATE) this.sent.push(`${sid}->${o.to} ${PacketType[m.type]} ${m.designatedLeader}`);
        const to = o.to === 1n ? this.leader : this.learners.get(o.to)!;
        this.take(o.to, to.receive(sid, m.type === PacketType.SNAP ? { ...m, snapshot: 'tree' } : m));
      } else if (o.kind === 'persist') this.pending.push({ sid, id: o.id });
      else if (o.kind === 'activate') this.activated.set(sid, [...(this.activated.get(sid) ?? []), o.configText]);
      else if (o.kind === 'stopped') this.stopped.add(sid);
    }
  }

  flush(): void {
    while (this.pending.length > 0) {
      const { sid, id } = this.pending.shift()!;
      this.take(sid, (sid === 1n ? this.leader : this.learners.get(sid)!).persisted(id));
    }
  }
}

test('ZAB: the epoch versions the config; a reconfig needs both quorums and activates everywhere', () => {
  const r = new Ring();
  assert.ok(r.leader.established);
  const first = r.activated.get(1n)![0]!;
  assert.match(first, /^version=100000000$/m);
  // Learners activate what NEWLEADER carried (the non-member 4 too: it follows without a vote).
  for (const sid of [2n, 3n, 4n, 5n]) assert.deepEqual(r.activated.get(sid), [first]);
  const next = { ...three, servers: new Map([...parseConfigText(first).servers, [4, parseConfigText(line(4)).servers.get(4)!]]), version: 0n };
  assert.ok(r.leader.quorumSyncedIn(verifierOf(next)));
  const data = (zxid: bigint) => encodeTxn({
    hdr: { clientId: 0n, cxid: 0, zxid, time: 0n, type: OpCode.reconfig },
    body: { type: OpCode.reconfig, record: { path: '/zookeeper/config', data: Buffer.from(configText({ ...next, version: zxid })), version: -1 } },
  });
  const p = r.leader.propose(data)!;
  assert.ok(r.leader.reconfigInProgress);
  r.take(1n, p.out);
  r.flush();
  assert.equal(r.leader.reconfigInProgress, false);
  assert.deepEqual(r.sent.sort(), ['1->2 COMMITANDACTIVATE 1', '1->3 COMMITANDACTIVATE 1', '1->4 COMMITANDACTIVATE 1', '1->5 INFORMANDACTIVATE 1']);
  const second = configText({ ...next, version: p.zxid });
  for (const sid of [1n, 2n, 3n, 4n, 5n]) assert.equal(r.activated.get(sid)!.at(-1), second);
  assert.equal(r.stopped.size, 0);
});

/** The leader's proposal of a config with servers `keep` (and observer 5), as its reconfig txn. */
function reconfigTxn(keep: number[]) {
  const next = parseConfigText([...keep.map((s) => line(s)), line(5, 'observer')].join('\n'));
  return (zxid: bigint) => encodeTxn({
    hdr: { clientId: 0n, cxid: 0, zxid, time: 0n, type: OpCode.reconfig },
    body: { type: OpCode.reconfig, record: { path: '/zookeeper/config', data: Buffer.from(configText({ ...next, version: zxid })), version: -1 } },
  });
}
const setDataTxn = (zxid: bigint) => encodeTxn({ hdr: { clientId: 0n, cxid: 1, zxid, time: 0n, type: OpCode.setData }, body: { type: OpCode.setData, record: { path: '/a', data: Buffer.from('x'), version: 1 } } });

test('Leader.getDesignatedLeader: a removed leader names the lowest new voter that acked, narrowed by the proposals after it', () => {
  // All acked, nothing after it: the lowest id of the new voters, 2 (Apache's HashSet iterates 2 before 3).
  const all = new Ring();
  all.take(1n, all.leader.propose(reconfigTxn([2, 3]))!.out);
  all.flush();
  assert.deepEqual(all.sent.filter((s) => s.startsWith('1->2 ')), ['1->2 COMMITANDACTIVATE 2']);
  assert.ok(all.sent.includes('1->5 INFORMANDACTIVATE 2'));

  // A setData proposed after it, logged by 3 and not yet by 2 when the reconfig commits: 3 is the more up to date.
  const r = new Ring();
  r.take(1n, r.leader.propose(reconfigTxn([2, 3]))!.out);
  r.take(1n, r.leader.propose(setDataTxn)!.out);
  const of = (sid: bigint) => r.pending.filter((p) => p.sid === sid);
  const order = [...of(1n), ...of(3n), of(2n)[0]!];
  r.pending.length = 0;
  for (const { sid, id } of order) r.take(sid, (sid === 1n ? r.leader : r.learners.get(sid)!).persisted(id));
  assert.deepEqual(r.sent.filter((s) => s.startsWith('1->2 ')), ['1->2 COMMITANDACTIVATE 3']);

  // A leader the new config keeps stays the leader.
  const stays = new Ring();
  stays.take(1n, stays.leader.propose(reconfigTxn([1, 3]))!.out);
  stays.flush();
  assert.deepEqual(stays.sent.filter((s) => s.startsWith('1->3 ')), ['1->3 COMMITANDACTIVATE 1']);
});

test("javaHashSetOrder: a HashSet<Long>'s iteration order (bucket = id mod table size, at least 16)", () => {
  assert.deepEqual(javaHashSetOrder([3n, 2n, 17n, 16n]), [16n, 17n, 2n, 3n]);
  assert.deepEqual(javaHashSetOrder([5n, 4n, 1n]), [1n, 4n, 5n]);
});

test('zoo.cfg: membership moved to zoo.cfg.dynamic.<version>, clientPort dropped when the server line has it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zk-dyn-'));
  try {
    const cfg = join(dir, 'zoo.cfg');
    writeFileSync(cfg, `# comment\ntickTime=500\ninitLimit=5\nsyncLimit=2\ndataDir=${dir}\nclientPort=4001\nreconfigEnabled=true\n${line(1)}\n${line(2)}\n${line(3)}\n`);
    const written = writeDynamicConfig(cfg, { ...three, version: 0x200000000n }, 1);
    assert.equal(written, `${cfg}.dynamic.200000000`);
    assert.equal(readFileSync(written, 'utf8'), [line(1), line(2), line(3)].join('\n'));
    assert.equal(readFileSync(cfg, 'utf8'), `# comment\ntickTime=500\ninitLimit=5\nsyncLimit=2\ndataDir=${dir}\nreconfigEnabled=true\ndynamicConfigFile=${written}\n`);
    const loaded = loadZooKeeperConfig(cfg);
    assert.equal(loaded.configVersion, 0x200000000n);
    assert.equal(loaded.mode, 'replicated');
    assert.deepEqual([...loaded.servers.keys()], [1, 2, 3]);
    assert.equal(loaded.servers.get(2)!.clientPort, 4002);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
