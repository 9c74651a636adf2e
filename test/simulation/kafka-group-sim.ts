// A seeded simulation of consumers in one group driving the coordinator: joins, MEMBER_ID_REQUIRED
// round trips, leader assignment, heartbeats, commits, leaves, crashes (silent stops) and restarts,
// plus a standalone committer and failed appends. Checkers run after every step; everything derives
// from the seed, so a failing seed replays exactly.

import { createHash } from 'node:crypto';
import { encodeConsumerSubscription } from '../../src/kafka/coordinator/consumer-subscription.js';
import { ErrorCode } from '../../src/kafka/coordinator/error-codes.js';
import type { GroupMetadataValue } from '../../src/kafka/coordinator/offsets-records.js';
import type { CoordinatorResponse, JoinGroupResponse, SyncGroupResponse } from '../../src/kafka/coordinator/types.js';
import { CoordinatorDriver } from '../support/coordinator-driver.js';

export const GROUP = 'sim-group';
export const STANDALONE = 'sim-standalone';
export const TOPIC = 'events';
export const PARTITIONS = 8;
const SESSION_MS = 10_000;
const REBALANCE_MS = 15_000;
const HEARTBEAT_EVERY_MS = 3000;

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Phase = 'out' | 'joining' | 'syncing' | 'stable' | 'crashed';

interface Consumer {
  name: string;
  phase: Phase;
  memberId: string;
  generation: number;
  pending: number | null;
  assignment: number[];
  positions: Map<number, bigint>;
  lastHeartbeatMs: number;
  crashedAtMs: number;
  /** The member id it had when it crashed (must disappear from the group). */
  crashedMemberId: string;
}

export class SimulationFailure extends Error {}

const encodeAssignment = (parts: number[]) => Buffer.from(JSON.stringify(parts));
const decodeAssignment = (b: Uint8Array) => (b.length === 0 ? [] : (JSON.parse(Buffer.from(b).toString()) as number[]));

export interface SimOptions {
  consumers: number;
  steps: number;
  faults: boolean;
}

export class GroupSimulation {
  readonly d: CoordinatorDriver;
  private readonly rand: () => number;
  readonly consumers: Consumer[] = [];
  private readonly trace = createHash('sha256');
  private lastStableGeneration = 0;
  private readonly committedSeen = new Map<number, { generation: number; offset: bigint }>();
  private checkedRecords = 0;
  faults: boolean;

  constructor(readonly seed: number, opts: SimOptions) {
    this.rand = mulberry32(seed);
    this.faults = opts.faults;
    this.d = new CoordinatorDriver({ offsetsTopicNumPartitions: 4, groupInitialRebalanceDelayMs: 500, offsetsRetentionMs: 3_600_000, offsetsRetentionCheckIntervalMs: 60_000 });
    this.d.appendOutcome = () => (this.faults && this.rand() < 0.03 ? ErrorCode.NOT_ENOUGH_REPLICAS : 0);
    for (let i = 0; i < opts.consumers; i++) {
      this.consumers.push({ name: `c${i}`, phase: 'out', memberId: '', generation: -1, pending: null, assignment: [], positions: new Map(), lastHeartbeatMs: 0, crashedAtMs: 0, crashedMemberId: '' });
    }
  }

  private fail(step: number, what: string): never {
    throw new SimulationFailure(`seed=${this.seed} step=${step} t=${this.d.nowMs}: ${what}`);
  }

  digest(): string {
    return this.trace.copy().digest('hex');
  }

  run(steps: number): void {
    for (let step = 0; step < steps; step++) this.step(step);
  }

  step(step: number): void {
    this.d.advance(1 + Math.floor(this.rand() * 1500));
    for (const c of this.consumers) this.act(c);
    if (this.rand() < 0.1) this.standaloneOp();
    this.trace.update(`${this.d.nowMs};${this.d.allEffects.length};${JSON.stringify(this.d.c.groups.get(GROUP)?.state ?? '-')}|`);
    this.check(step);
  }

  /** Stops faults and runs until every live consumer is stable in the group's current generation. */
  quiesce(maxSteps = 400): void {
    this.faults = false;
    for (const c of this.consumers) if (c.phase === 'crashed') c.phase = 'out';
    for (let i = 0; i < maxSteps; i++) {
      this.d.advance(500);
      for (const c of this.consumers) this.act(c, true);
      const g = this.d.c.groups.get(GROUP);
      if (g && g.state === 'Stable' && this.consumers.every((c) => c.phase === 'stable' && c.generation === g.generationId) && this.d.c.pendingAppendCount() === 0) return;
    }
    throw new SimulationFailure(`seed=${this.seed}: did not settle`);
  }

  private send(c: Consumer, requestId: number): void {
    c.pending = requestId;
  }

  private take<T extends CoordinatorResponse>(c: Consumer): T | null {
    if (c.pending === null) return null;
    const r = this.d.responses.get(c.pending);
    if (!r) return null;
    c.pending = null;
    return r as T;
  }

  private join(c: Consumer): void {
    c.phase = 'joining';
    this.send(c, this.d.join(GROUP, {
      apiVersion: 5,
      memberId: c.memberId,
      clientId: c.name,
      sessionTimeoutMs: SESSION_MS,
      rebalanceTimeoutMs: REBALANCE_MS,
      protocols: [{ name: 'range', metadata: encodeConsumerSubscription([TOPIC]) }],
    }));
  }

  private reset(c: Consumer): void {
    c.phase = 'out';
    c.memberId = '';
    c.generation = -1;
    c.assignment = [];
  }

  private act(c: Consumer, calm = false): void {
    const r = this.rand;
    if (c.phase === 'crashed') {
      if (r() < 0.02) this.reset(c);
      return;
    }
    if (!calm && this.faults && r() < 0.01) {
      c.phase = 'crashed';
      c.crashedAtMs = this.d.nowMs;
      c.crashedMemberId = c.memberId;
      c.pending = null;
      return;
    }
    switch (c.phase) {
      case 'out':
        if (calm || r() < 0.3) this.join(c);
        return;
      case 'joining': {
        const resp = this.take<JoinGroupResponse>(c);
        if (!resp) return;
        if (resp.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
          c.memberId = resp.memberId;
          return this.join(c);
        }
        if (resp.errorCode !== 0) return this.reset(c);
        c.memberId = resp.memberId;
        c.generation = resp.generationId;
        c.phase = 'syncing';
        let assignments: { memberId: string; assignment: Uint8Array }[] = [];
        if (resp.leader === resp.memberId) {
          const ids = resp.members.map((m) => m.memberId).sort();
          const per = new Map<string, number[]>(ids.map((id) => [id, []]));
          for (let p = 0; p < PARTITIONS; p++) per.get(ids[p % ids.length]!)!.push(p);
          assignments = ids.map((id) => ({ memberId: id, assignment: encodeAssignment(per.get(id)!) }));
        }
        this.send(c, this.d.sync(GROUP, c.generation, c.memberId, assignments, { protocolType: 'consumer', protocolName: 'range' }));
        return;
      }
      case 'syncing': {
        const resp = this.take<SyncGroupResponse>(c);
        if (!resp) return;
        if (resp.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) return this.join(c);
        if (resp.errorCode !== 0) return this.reset(c);
        c.phase = 'stable';
        c.assignment = decodeAssignment(resp.assignment);
        c.lastHeartbeatMs = this.d.nowMs;
        const offsets = this.d.fetchAll(GROUP);
        c.positions = new Map(c.assignment.map((p) => [p, offsets.get(`${TOPIC}-${p}`) ?? 0n]));
        return;
      }
      case 'stable': {
        if (!calm && r() < 0.01) {
          this.d.leave(GROUP, [{ memberId: c.memberId, groupInstanceId: null }]);
          return this.reset(c);
        }
        if (!calm && r() < 0.3 && c.assignment.length > 0) {
          const offsets: Record<string, bigint> = {};
          for (const p of c.assignment) {
            const next = c.positions.get(p)! + BigInt(1 + Math.floor(r() * 10));
            c.positions.set(p, next);
            offsets[`${TOPIC}-${p}`] = next;
          }
          this.d.commit(GROUP, c.generation, c.memberId, offsets);
        }
        if (this.d.nowMs - c.lastHeartbeatMs >= HEARTBEAT_EVERY_MS) {
          c.lastHeartbeatMs = this.d.nowMs;
          const code = this.d.heartbeat(GROUP, c.generation, c.memberId);
          if (code === ErrorCode.REBALANCE_IN_PROGRESS) this.join(c);
          else if (code !== 0) this.reset(c);
        }
        return;
      }
    }
  }

  private standaloneOp(): void {
    const r = this.rand();
    if (r < 0.7) this.d.commit(STANDALONE, -1, '', { [`${TOPIC}-${Math.floor(this.rand() * 3)}`]: BigInt(Math.floor(this.rand() * 1000)) });
    else if (r < 0.85) this.d.apply(this.d.c.deleteOffsets(this.d.nowMs, this.d.newRequestId(), { groupId: STANDALONE, topics: [{ name: TOPIC, partitions: [0] }] }));
    else this.d.apply(this.d.c.deleteGroups(this.d.nowMs, this.d.newRequestId(), [STANDALONE]));
  }

  private check(step: number): void {
    const g = this.d.c.groups.get(GROUP);
    // At most one generation is Stable at a time, and Stable generations only move forward.
    if (g?.state === 'Stable') {
      if (g.generationId < this.lastStableGeneration) this.fail(step, `Stable generation went back ${this.lastStableGeneration} -> ${g.generationId}`);
      this.lastStableGeneration = g.generationId;
    }
    const stableConsumers = this.consumers.filter((c) => c.phase === 'stable' && g && c.generation === g.generationId);
    if (g?.state === 'Stable') {
      const owners = new Map<number, string>();
      for (const c of stableConsumers) {
        for (const p of c.assignment) {
          if (owners.has(p)) this.fail(step, `partition ${p} owned by ${owners.get(p)} and ${c.name} in generation ${g.generationId}`);
          owners.set(p, c.name);
        }
      }
    }
    // Every stored assignment gives each partition to exactly one member.
    const log = this.d.records(this.d.c.partitionFor(GROUP));
    for (; this.checkedRecords < log.length; this.checkedRecords++) {
      const rec = log[this.checkedRecords]!;
      if (rec.key.type !== 'group' || rec.key.group !== GROUP || rec.value === null) continue;
      const v = rec.value as GroupMetadataValue;
      if (v.members.length === 0 || v.members.every((m) => m.assignment.length === 0)) continue;
      const seen: number[] = [];
      for (const m of v.members) seen.push(...decodeAssignment(m.assignment));
      seen.sort((a, b) => a - b);
      if (seen.join(',') !== [...Array(PARTITIONS).keys()].join(',')) this.fail(step, `generation ${v.generation} assignment covers ${seen.join(',')}`);
    }
    // Committed offsets never go backwards within one generation.
    if (g) {
      for (const [tp, offset] of this.d.fetchAll(GROUP)) {
        const p = Number(tp.slice(TOPIC.length + 1));
        const prev = this.committedSeen.get(p);
        if (prev && prev.generation === g.generationId && offset < prev.offset) this.fail(step, `${tp} went back ${prev.offset} -> ${offset} in generation ${g.generationId}`);
        this.committedSeen.set(p, { generation: g.generationId, offset });
      }
    }
    // A member that stopped heartbeating is gone after its session (plus at most one rebalance).
    for (const c of this.consumers) {
      if (c.phase !== 'crashed' || c.crashedMemberId === '') continue;
      if (this.d.nowMs > c.crashedAtMs + SESSION_MS + REBALANCE_MS && g?.has(c.crashedMemberId)) {
        this.fail(step, `${c.name} (${c.crashedMemberId}) crashed at ${c.crashedAtMs} but is still a member`);
      }
    }
  }
}
