// What ZAB's leader and learner state machines take and return. The caller does the I/O: it sends messages,
// performs persist effects in order (reporting each completion with persisted(id)), applies transactions in the
// order given, and calls tick() once per tickTime.
import type { PacketType } from '../wire/packet-types.js';
import type { SessionTouch, Txn, ZabMessage } from '../wire/zab-messages.js';

export interface ZabLimits {
  /** Ticks allowed for a quorum to connect, agree on the epoch and sync (Apache initLimit). */
  initLimitTicks: number;
  /** Ticks a learner may stay silent, or a learner may hear nothing from its leader (Apache syncLimit). */
  syncLimitTicks: number;
  /** Applied transactions a leader keeps in memory to DIFF learners from (Apache commitLogCount, 500). */
  committedLogMax: number;
  /** A leader steps down instead of using this counter (Apache: 0xffffffff, the lower 32 bits rolling over). */
  zxidCounterLimit: number;
  /** Proposals a leader has outstanding (proposed, not committed) before propose() refuses more. */
  maxOutstandingProposals: number;
  /** Forwarded syncs a leader holds before refusing more. */
  maxPendingSyncs: number;
}

export const DEFAULT_ZAB_LIMITS: ZabLimits = {
  initLimitTicks: 10,
  syncLimitTicks: 5,
  committedLogMax: 500,
  zxidCounterLimit: 0xffffffff,
  maxOutstandingProposals: 10_000,
  maxPendingSyncs: 10_000,
};

/** What a server has on disk: its epochs, the zxid its snapshot is at, and the fsynced log after it. */
export interface DurableState {
  acceptedEpoch: number;
  currentEpoch: number;
  snapshotZxid: bigint;
  log: Txn[];
}

export function lastLoggedZxid(d: DurableState): bigint {
  return d.log.length > 0 ? d.log[d.log.length - 1]!.zxid : d.snapshotZxid;
}

/**
 * The leader's on-disk txn log, for a learner older than the in-memory window: the committed txns after
 * `afterZxid` up to `uptoZxid` when the log holds `afterZxid` itself and every txn after it, and their size is within
 * the limit (Apache: snapshotSizeFactor × the newest snapshot's size); null means send a SNAP instead.
 */
export type LoggedTxnReader = (afterZxid: bigint, uptoZxid: bigint) => Txn[] | null;

export type PersistOp =
  | { op: 'accepted-epoch'; epoch: number }
  | { op: 'current-epoch'; epoch: number }
  | { op: 'append'; txns: Txn[] }
  /** Drop every logged transaction after zxid. */
  | { op: 'truncate'; zxid: bigint }
  /** Replace the snapshot and empty the log (a learner synced with SNAP); the body is the one that came with SNAP. */
  | { op: 'snapshot'; zxid: bigint; snapshot: unknown };

/** Applies persist ops to a durable state (the caller's disk, or a mirror of it). */
export function applyPersistOps(d: DurableState, ops: readonly PersistOp[]): void {
  for (const op of ops) {
    switch (op.op) {
      case 'accepted-epoch': d.acceptedEpoch = op.epoch; break;
      case 'current-epoch': d.currentEpoch = op.epoch; break;
      case 'append': d.log.push(...op.txns); break;
      case 'truncate': {
        let keep = d.log.length;
        while (keep > 0 && d.log[keep - 1]!.zxid > op.zxid) keep--;
        d.log.length = keep;
        break;
      }
      case 'snapshot': d.snapshotZxid = op.zxid; d.log = []; break;
    }
  }
}

export type ZabOutput =
  | { kind: 'send'; to: bigint; message: ZabMessage }
  /** Write, fsync, then call persisted(id). Completions must come in the order the effects were given. */
  | { kind: 'persist'; id: number; ops: PersistOp[] }
  /** A committed transaction; apply it to the data tree. Given strictly in zxid order. */
  | { kind: 'apply'; txn: Txn }
  /** Learner got SNAP: replace the data tree with this snapshot (the leader's committed state at zxid) now. */
  | { kind: 'load-snapshot'; zxid: bigint; snapshot: unknown }
  /** Leader: a learner forwarded a client request. */
  | { kind: 'request'; from: bigint; request: Extract<ZabMessage, { type: PacketType.REQUEST }> }
  /** Leader: sessions a learner saw traffic on since its last ping reply. */
  | { kind: 'sessions-touched'; from: bigint; sessions: SessionTouch[] }
  /** Leader: a learner asks whether a session may move to it; answer with revalidateReply(). */
  | { kind: 'revalidate'; from: bigint; sessionId: bigint; timeoutMs: number }
  /** Learner: the leader's answer to revalidate(). */
  | { kind: 'revalidated'; sessionId: bigint; valid: boolean }
  /** Every proposal made before the sync was requested is committed here (`sid` asked for it). */
  | { kind: 'sync-done'; sid: bigint }
  /** Leader established / learner up to date: the server may serve clients now. */
  | { kind: 'serving'; epoch: number }
  /** Leader: close the connection to this learner. */
  | { kind: 'disconnect'; sid: bigint; reason: string }
  /**
   * A config becomes the active one (a committed reconfig, or the leader's config at NEWLEADER/UPTODATE with
   * dynamic reconfig on); designatedLeader is the leader the reconfig named (null: no change of leader).
   */
  | { kind: 'activate'; configText: string; designatedLeader: bigint | null }
  /**
   * A config was proposed (a reconfig proposal logged or received, the config NEWLEADER carries, the version an
   * epoch gives a hand-written config): Apache's setLastSeenQuorumVerifier, which writes zoo.cfg.dynamic.next.
   */
  | { kind: 'last-seen-config'; configText: string }
  /** This role is over (lost quorum, timeout, out of sync, rollover); go back to election. */
  | { kind: 'stopped'; reason: string };

/** Allocates persist ids so completions from an old role's effects never reach a new one. */
export class PersistIds {
  private next = 1;
  take(): number {
    return this.next++;
  }
}
