// Kafka 2.8's TransactionCoordinator with its TransactionStateManager as a pure state machine: every call takes the
// current time and returns the effects the broker adapter carries out (see txn-types.ts). No clocks, timers or I/O.
// A transactional id lives in __transaction_state partition Utils.abs(id.hashCode()) % partitions; each state change
// is prepared, written there with acks=-1, and applied only once acknowledged (appendTransactionToLog). EndTxn writes
// PrepareCommit/PrepareAbort, answers the client, has the markers written to every partition of the transaction and
// then writes CompleteCommit/CompleteAbort. Ongoing transactions past their timeout are aborted with an epoch bump;
// idle ids expire after transactional.id.expiration.ms.
import { errorInfo } from '../../protocol/errors.js';
import { ErrorCode } from '../error-codes.js';
import { javaStringHashCode, kafkaAbs } from '../group-partition.js';
import { TimerQueue } from '../timer-queue.js';
import { encodeTxnLogKey, encodeTxnLogValue, TRANSACTION_STATE_TOPIC, type TxnLogRecord } from './txn-log-records.js';
import {
  EXPIRATION_ALLOWED, IllegalTxnStateError, isEpochExhausted, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, TransactionMetadata, txnLogValueOf,
  type TopicPartition, type TxnTransit,
} from './txn-metadata.js';
import type { AddPartitionsCall, EndTxnCall, InitProducerIdCall, TxnCoordinatorConfig, TxnEffect, TxnResponse } from './txn-types.js';

/** How soon a CompleteCommit/CompleteAbort write that found no coordinator available is tried again. */
export const COMPLETION_RETRY_BACKOFF_MS = 100;

export interface TxnPartitionEntry {
  state: 'loading' | 'loaded';
  coordinatorEpoch: number;
  txns: Map<string, TransactionMetadata>;
}

interface PendingCompletion {
  transactionalId: string;
  coordinatorEpoch: number;
  metadata: TransactionMetadata;
  transit: TxnTransit;
}

type Found = { coordinatorEpoch: number; entry: TxnPartitionEntry; metadata: TransactionMetadata | undefined };
type Callback = (errorCode: number) => void;

const TIMER_ABORT = 'abort-timed-out';
const TIMER_EXPIRE = 'expire-ids';
const TIMER_RETRY = 'retry-completions';

/** TransactionStateManager.appendTransactionToLog: a failed append's error as the coordinator answers it. */
export function coordinatorErrorOfAppend(errorCode: number): number {
  switch (errorCode) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    default:
      return errorCode;
  }
}

export class TransactionCoordinator {
  readonly partitions = new Map<number, TxnPartitionEntry>();
  private readonly pendingMarkers = new Map<string, PendingCompletion>();
  private readonly retryCompletions = new Map<string, PendingCompletion>();
  private readonly timers = new TimerQueue();
  private readonly appendHandlers = new Map<number, Callback>();
  private effects: TxnEffect[] = [];
  private emittedDeadlineMs: number | null = null;
  private nextAppendId = 1;
  nowMs = 0;

  constructor(readonly config: TxnCoordinatorConfig) {}

  partitionFor(transactionalId: string): number {
    return kafkaAbs(javaStringHashCode(transactionalId)) % this.config.transactionStateLogNumPartitions;
  }

  // ---- entry points -------------------------------------------------------------------------------

  /** Starts the periodic abort of timed-out transactions and the expiry of idle transactional ids. */
  startup(nowMs: number): TxnEffect[] {
    return this.run(nowMs, () => {
      this.timers.set(TIMER_ABORT, nowMs + this.config.transactionAbortTimedOutTransactionCleanupIntervalMs);
      this.timers.set(TIMER_EXPIRE, nowMs + this.config.transactionRemoveExpiredTransactionCleanupIntervalMs);
    });
  }

  /** InitProducerId with a transactional id; `newProducerId` answers a needProducerId effect. */
  initProducerId(nowMs: number, requestId: number, call: InitProducerIdCall, newProducerId?: bigint): TxnEffect[] {
    return this.run(nowMs, () => this.handleInitProducerId(requestId, call, newProducerId));
  }

  addPartitions(nowMs: number, requestId: number, call: AddPartitionsCall): TxnEffect[] {
    return this.run(nowMs, () => this.handleAddPartitions(call, (errorCode) => this.respond(requestId, errorCode)));
  }

  endTxn(nowMs: number, requestId: number, call: EndTxnCall): TxnEffect[] {
    return this.run(nowMs, () =>
      this.endTransaction(call.transactionalId, call.producerId, call.producerEpoch, call.commit, true, (errorCode) => this.respond(requestId, errorCode)),
    );
  }

  appendCompleted(nowMs: number, appendId: number, errorCode: number): TxnEffect[] {
    return this.run(nowMs, () => {
      const handler = this.appendHandlers.get(appendId);
      this.appendHandlers.delete(appendId);
      handler?.(errorCode);
    });
  }

  /** The markers of these partitions were written (or the partitions are gone and were dropped). */
  markersWritten(nowMs: number, transactionalId: string, coordinatorEpoch: number, partitions: readonly TopicPartition[]): TxnEffect[] {
    return this.run(nowMs, () => {
      const pending = this.pendingMarkers.get(transactionalId);
      if (pending === undefined || pending.coordinatorEpoch !== coordinatorEpoch) return;
      const found = this.lookup(transactionalId);
      if (typeof found === 'number' || found.metadata !== pending.metadata || found.coordinatorEpoch !== coordinatorEpoch) {
        this.pendingMarkers.delete(transactionalId);
        this.effects.push({ kind: 'cancelMarkers', transactionalId });
        return;
      }
      for (const tp of partitions) pending.metadata.removePartition(tp);
      this.maybeWriteTxnCompletion(transactionalId);
    });
  }

  /** A partition answered INVALID_PRODUCER_EPOCH or TRANSACTION_COORDINATOR_FENCED: this coordinator stops here. */
  markersFenced(nowMs: number, transactionalId: string, coordinatorEpoch: number, errorName: string): TxnEffect[] {
    return this.run(nowMs, () => {
      const pending = this.pendingMarkers.get(transactionalId);
      if (pending === undefined || pending.coordinatorEpoch !== coordinatorEpoch) return;
      this.pendingMarkers.delete(transactionalId);
      this.effects.push({ kind: 'cancelMarkers', transactionalId });
      this.log('INFO', `Sending ${transactionalId}'s transaction markers has permanently failed with error ${errorName} with the current coordinator epoch ${coordinatorEpoch}; cancel sending any more transaction markers`);
    });
  }

  /** This broker became leader of __transaction_state partition `partition`: it answers LOAD_IN_PROGRESS until loaded. */
  beginLoad(nowMs: number, partition: number, coordinatorEpoch: number): TxnEffect[] {
    return this.run(nowMs, () => {
      this.dropPartition(partition);
      this.partitions.set(partition, { state: 'loading', coordinatorEpoch, txns: new Map() });
    });
  }

  /** The partition's records from log start to log end; the prepared commits and aborts in it are completed. */
  completeLoad(nowMs: number, partition: number, coordinatorEpoch: number, records: readonly TxnLogRecord[]): TxnEffect[] {
    return this.run(nowMs, () => {
      const entry = this.partitions.get(partition);
      if (entry === undefined || entry.state !== 'loading' || entry.coordinatorEpoch !== coordinatorEpoch) return;
      for (const r of records) {
        if (r.value === null) entry.txns.delete(r.transactionalId);
        else entry.txns.set(r.transactionalId, TransactionMetadata.fromLog(r.transactionalId, r.value));
      }
      entry.state = 'loaded';
      for (const metadata of entry.txns.values()) {
        if (metadata.state !== 'PrepareCommit' && metadata.state !== 'PrepareAbort') continue;
        this.addTxnMarkersToSend(coordinatorEpoch, metadata.state === 'PrepareCommit', metadata, metadata.prepareComplete(nowMs));
      }
    });
  }

  /** This broker no longer leads the partition: its ids are forgotten and their markers no longer sent. */
  unload(nowMs: number, partition: number, leaderEpoch: number): TxnEffect[] {
    return this.run(nowMs, () => {
      const entry = this.partitions.get(partition);
      if (entry === undefined || entry.coordinatorEpoch > leaderEpoch) return;
      this.dropPartition(partition);
    });
  }

  tick(nowMs: number): TxnEffect[] {
    return this.run(nowMs, () => {
      for (let key = this.timers.popDue(nowMs); key !== null; key = this.timers.popDue(nowMs)) {
        if (key === TIMER_ABORT) {
          this.abortTimedOutTransactions();
          this.timers.set(TIMER_ABORT, nowMs + this.config.transactionAbortTimedOutTransactionCleanupIntervalMs);
        } else if (key === TIMER_EXPIRE) {
          this.removeExpiredTransactionalIds();
          this.timers.set(TIMER_EXPIRE, nowMs + this.config.transactionRemoveExpiredTransactionCleanupIntervalMs);
        } else if (key === TIMER_RETRY) {
          const retries = [...this.retryCompletions.values()];
          this.retryCompletions.clear();
          for (const p of retries) this.tryAppendCompletion(p);
        }
      }
    });
  }

  nextDeadlineMs(): number | null {
    return this.timers.nextDeadlineMs();
  }

  /** The state of a transactional id (tests, tools). */
  transaction(transactionalId: string): TransactionMetadata | undefined {
    return this.partitions.get(this.partitionFor(transactionalId))?.txns.get(transactionalId);
  }

  // ---- plumbing -----------------------------------------------------------------------------------

  private run(nowMs: number, body: () => void): TxnEffect[] {
    this.nowMs = nowMs;
    try {
      body();
    } catch (err) {
      // A broken invariant: nothing of this call is carried out.
      this.effects = [];
      throw err;
    } finally {
      const deadline = this.timers.nextDeadlineMs();
      if (deadline !== this.emittedDeadlineMs) {
        this.emittedDeadlineMs = deadline;
        this.effects.push({ kind: 'timer', deadlineMs: deadline });
      }
    }
    const out = this.effects;
    this.effects = [];
    return out;
  }

  private respond(requestId: number, errorCode: number, producerId = -1n, producerEpoch = -1): void {
    const response: TxnResponse = { errorCode, producerId, producerEpoch };
    this.effects.push({ kind: 'respond', requestId, response });
  }

  private log(level: 'INFO' | 'WARN' | 'ERROR', message: string): void {
    this.effects.push({ kind: 'log', level, message });
  }

  /** TransactionStateManager.getTransactionState: an error code, or the id's partition and metadata (maybe none). */
  private lookup(transactionalId: string): number | Found {
    const entry = this.partitions.get(this.partitionFor(transactionalId));
    if (entry === undefined) return ErrorCode.NOT_COORDINATOR;
    if (entry.state === 'loading') return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    return { coordinatorEpoch: entry.coordinatorEpoch, entry, metadata: entry.txns.get(transactionalId) };
  }

  private dropPartition(partition: number): void {
    if (!this.partitions.delete(partition)) return;
    for (const [id, p] of this.pendingMarkers) if (this.partitionFor(id) === partition) this.pendingMarkers.delete(p.transactionalId);
    for (const [id] of this.retryCompletions) if (this.partitionFor(id) === partition) this.retryCompletions.delete(id);
    this.effects.push({ kind: 'cancelPartitionMarkers', txnPartition: partition });
  }

  // ---- InitProducerId -----------------------------------------------------------------------------

  private handleInitProducerId(requestId: number, call: InitProducerIdCall, newProducerId: bigint | undefined): void {
    const fail = (errorCode: number) => this.respond(requestId, errorCode);
    const { transactionalId, transactionTimeoutMs, expected } = call;
    if (transactionalId === '') return fail(ErrorCode.INVALID_REQUEST);
    if (transactionTimeoutMs <= 0 || transactionTimeoutMs > this.config.transactionMaxTimeoutMs) return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    const found = this.lookup(transactionalId);
    if (typeof found === 'number') return fail(found);
    let metadata = found.metadata;
    const needsId = () => {
      this.effects.push({ kind: 'needProducerId', requestId });
    };
    if (metadata === undefined) {
      if (newProducerId === undefined) return needsId();
      metadata = new TransactionMetadata(transactionalId, newProducerId, NO_PRODUCER_ID, NO_PRODUCER_EPOCH, NO_PRODUCER_EPOCH, transactionTimeoutMs, 'Empty', [], -1, this.nowMs);
      found.entry.txns.set(transactionalId, metadata);
      newProducerId = undefined;
    }
    const coordinatorEpoch = found.coordinatorEpoch;
    const m = metadata;
    const validProducerId = (e: { producerId: bigint; producerEpoch: number }) =>
      m.producerEpoch === NO_PRODUCER_EPOCH || e.producerId === m.producerId || (e.producerId === m.lastProducerId && isEpochExhausted(e.producerEpoch));
    if (m.pendingTransitionInProgress) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    if (expected !== undefined && !validProducerId(expected)) return fail(ErrorCode.PRODUCER_FENCED);
    let transit: TxnTransit;
    switch (m.state) {
      case 'PrepareAbort':
      case 'PrepareCommit':
        return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
      case 'CompleteAbort':
      case 'CompleteCommit':
      case 'Empty': {
        if (m.isProducerEpochExhausted && (expected === undefined || expected.producerEpoch === m.producerEpoch)) {
          if (newProducerId === undefined) return needsId();
          transit = m.prepareProducerIdRotation(newProducerId, transactionTimeoutMs, this.nowMs, expected !== undefined);
        } else {
          const bumped = m.prepareIncrementProducerEpoch(transactionTimeoutMs, expected?.producerEpoch, this.nowMs);
          if (bumped === 'fenced') {
            this.log('INFO', `Expected producer epoch ${expected?.producerEpoch} does not match current producer epoch ${m.producerEpoch} or previous producer epoch ${m.lastProducerEpoch}`);
            return fail(ErrorCode.PRODUCER_FENCED);
          }
          transit = bumped;
        }
        break;
      }
      case 'Ongoing': {
        // Abort the ongoing transaction with a bumped epoch (never returned) and let the client retry, which bumps it again.
        const fence = m.prepareFenceProducerEpoch();
        this.endTransaction(transactionalId, fence.producerId, fence.producerEpoch, false, false, (errorCode) =>
          fail(errorCode !== ErrorCode.NONE ? errorCode : ErrorCode.CONCURRENT_TRANSACTIONS),
        );
        return;
      }
      default:
        throw new IllegalTxnStateError(`Found transactionalId ${transactionalId} with state ${m.state}. This is illegal as we should never have transitioned to this state.`);
    }
    const t = transit;
    this.appendTransactionToLog(transactionalId, coordinatorEpoch, t, (errorCode) => {
      if (errorCode !== ErrorCode.NONE) {
        this.log('INFO', `Returning ${errorName(errorCode)} error code to client for ${transactionalId}'s InitProducerId request`);
        return fail(errorCode);
      }
      this.log('INFO', `Initialized transactionalId ${transactionalId} with producerId ${t.producerId} and producer epoch ${t.producerEpoch} on partition ${TRANSACTION_STATE_TOPIC}-${this.partitionFor(transactionalId)}`);
      this.respond(requestId, ErrorCode.NONE, t.producerId, t.producerEpoch);
    });
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn -------------------------------------------------------

  private handleAddPartitions(call: AddPartitionsCall, callback: Callback): void {
    const { transactionalId, producerId, producerEpoch, partitions } = call;
    if (transactionalId === '') return callback(ErrorCode.INVALID_REQUEST);
    const found = this.lookup(transactionalId);
    if (typeof found === 'number') return callback(found);
    const m = found.metadata;
    if (m === undefined || m.producerId !== producerId) return callback(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    if (m.producerEpoch !== producerEpoch) return callback(ErrorCode.PRODUCER_FENCED);
    if (m.pendingTransitionInProgress) return callback(ErrorCode.CONCURRENT_TRANSACTIONS);
    if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') return callback(ErrorCode.CONCURRENT_TRANSACTIONS);
    if (m.state === 'Ongoing' && partitions.every((tp) => m.partitions.has(`${tp.topic}-${tp.partition}`))) return callback(ErrorCode.NONE);
    if (m.state === 'Dead' || m.state === 'PrepareEpochFence') return callback(ErrorCode.INVALID_TXN_STATE);
    this.appendTransactionToLog(transactionalId, found.coordinatorEpoch, m.prepareAddPartitions(partitions, this.nowMs), callback);
  }

  // ---- EndTxn -------------------------------------------------------------------------------------

  private invalidTransition(transactionalId: string, state: string, commit: boolean): number {
    this.log('ERROR', `TransactionalId: ${transactionalId}'s state is ${state}, but received transaction marker result to send: ${commit ? 'COMMIT' : 'ABORT'}`);
    return ErrorCode.INVALID_TXN_STATE;
  }

  private endTransaction(transactionalId: string, producerId: bigint, producerEpoch: number, commit: boolean, isFromClient: boolean, callback: Callback): void {
    if (transactionalId === '') return callback(ErrorCode.INVALID_REQUEST);
    const found = this.lookup(transactionalId);
    if (typeof found === 'number') return callback(found);
    const m = found.metadata;
    const coordinatorEpoch = found.coordinatorEpoch;
    if (m === undefined || m.producerId !== producerId) return callback(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    // Clients must match the epoch exactly; the coordinator's own aborts carry a bumped one.
    if ((isFromClient && producerEpoch !== m.producerEpoch) || producerEpoch < m.producerEpoch) return callback(ErrorCode.PRODUCER_FENCED);
    if (m.pendingTransitionInProgress && m.pendingState !== 'PrepareEpochFence') return callback(ErrorCode.CONCURRENT_TRANSACTIONS);
    let isEpochFence = false;
    let transit: TxnTransit;
    switch (m.state) {
      case 'Ongoing': {
        const next = commit ? 'PrepareCommit' : 'PrepareAbort';
        if (next === 'PrepareAbort' && m.pendingState === 'PrepareEpochFence') {
          isEpochFence = true;
          m.pendingState = null;
          m.producerEpoch = producerEpoch;
          m.lastProducerEpoch = NO_PRODUCER_EPOCH;
        }
        transit = m.prepareAbortOrCommit(next, this.nowMs);
        break;
      }
      case 'CompleteCommit':
        return callback(commit ? ErrorCode.NONE : this.invalidTransition(transactionalId, m.state, commit));
      case 'CompleteAbort':
        return callback(!commit ? ErrorCode.NONE : this.invalidTransition(transactionalId, m.state, commit));
      case 'PrepareCommit':
        return callback(commit ? ErrorCode.CONCURRENT_TRANSACTIONS : this.invalidTransition(transactionalId, m.state, commit));
      case 'PrepareAbort':
        return callback(!commit ? ErrorCode.CONCURRENT_TRANSACTIONS : this.invalidTransition(transactionalId, m.state, commit));
      case 'Empty':
        return callback(this.invalidTransition(transactionalId, m.state, commit));
      default:
        throw new IllegalTxnStateError(`Found transactionalId ${transactionalId} with state ${m.state}. This is illegal as we should never have transitioned to this state.`);
    }
    this.appendTransactionToLog(transactionalId, coordinatorEpoch, transit, (errorCode) => {
      if (errorCode !== ErrorCode.NONE) {
        if (isEpochFence) {
          const again = this.lookup(transactionalId);
          if (typeof again !== 'number' && again.metadata !== undefined && again.coordinatorEpoch === coordinatorEpoch) again.metadata.hasFailedEpochFence = true;
        }
        return callback(errorCode);
      }
      const again = this.lookup(transactionalId);
      if (typeof again === 'number') return callback(again);
      const md = again.metadata;
      if (md === undefined) throw new IllegalTxnStateError(`The coordinator still owns the transaction partition for ${transactionalId}, but there is no metadata in the cache; this is not expected`);
      if (again.coordinatorEpoch !== coordinatorEpoch) return callback(ErrorCode.NOT_COORDINATOR);
      if (md.producerId !== producerId) return callback(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
      if (md.producerEpoch !== producerEpoch) return callback(ErrorCode.PRODUCER_FENCED);
      if (md.pendingTransitionInProgress) return callback(ErrorCode.CONCURRENT_TRANSACTIONS);
      const expectedState = commit ? 'PrepareCommit' : 'PrepareAbort';
      if (md.state !== expectedState) return callback(this.invalidTransition(transactionalId, md.state, commit));
      const complete = md.prepareComplete(this.nowMs);
      // The client is answered as soon as the prepare record is acknowledged; the markers follow.
      callback(ErrorCode.NONE);
      this.addTxnMarkersToSend(coordinatorEpoch, commit, md, complete);
    });
  }

  // ---- markers and completion (TransactionMarkerChannelManager's bookkeeping) ---------------------

  private addTxnMarkersToSend(coordinatorEpoch: number, commit: boolean, metadata: TransactionMetadata, transit: TxnTransit): void {
    const { transactionalId } = metadata;
    this.pendingMarkers.set(transactionalId, { transactionalId, coordinatorEpoch, metadata, transit });
    const partitions = [...metadata.partitions.values()];
    if (partitions.length > 0) {
      this.effects.push({
        kind: 'sendMarkers',
        marker: { transactionalId, txnPartition: this.partitionFor(transactionalId), coordinatorEpoch, producerId: metadata.producerId, producerEpoch: metadata.producerEpoch, commit, partitions },
      });
    }
    this.maybeWriteTxnCompletion(transactionalId);
  }

  private maybeWriteTxnCompletion(transactionalId: string): void {
    const pending = this.pendingMarkers.get(transactionalId);
    if (pending === undefined || pending.metadata.partitions.size > 0) return;
    this.pendingMarkers.delete(transactionalId);
    const found = this.lookup(transactionalId);
    if (typeof found === 'number') {
      this.log('INFO', `No longer the coordinator (or loading) for ${transactionalId} with coordinator epoch ${pending.coordinatorEpoch}; cancel appending ${pending.transit.state} to transaction log`);
      return;
    }
    if (found.metadata === undefined) throw new IllegalTxnStateError(`The coordinator still owns the transaction partition for ${transactionalId}, but there is no metadata in the cache; this is not expected`);
    if (found.coordinatorEpoch !== pending.coordinatorEpoch) {
      this.log('INFO', `The cached metadata of ${transactionalId} has changed after completed sending the markers with coordinator epoch ${pending.coordinatorEpoch}; abort transiting the metadata to ${pending.transit.state}`);
      return;
    }
    this.tryAppendCompletion(pending);
  }

  private tryAppendCompletion(pending: PendingCompletion): void {
    const { transactionalId, coordinatorEpoch, transit } = pending;
    this.appendTransactionToLog(transactionalId, coordinatorEpoch, transit, (errorCode) => {
      switch (errorCode) {
        case ErrorCode.NONE:
          return;
        case ErrorCode.NOT_COORDINATOR:
          return this.log('INFO', `No longer the coordinator for transactionalId: ${transactionalId} while trying to append to transaction log, skip writing to transaction log`);
        case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
          return this.log('INFO', `Coordinator is loading the partition ${this.partitionFor(transactionalId)} and hence cannot complete append of ${transactionalId}'s ${transit.state}; skip writing to transaction log as the loading process should complete it`);
        case ErrorCode.COORDINATOR_NOT_AVAILABLE:
          this.log('INFO', `Not available to append ${transactionalId}'s ${transit.state}: possible causes include UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND and REQUEST_TIMED_OUT; retry appending`);
          this.retryCompletions.set(transactionalId, pending);
          if (!this.timers.has(TIMER_RETRY)) this.timers.set(TIMER_RETRY, this.nowMs + COMPLETION_RETRY_BACKOFF_MS);
          return;
        default:
          return this.log('ERROR', `Unexpected error ${errorName(errorCode)} while appending to transaction log for ${transactionalId}`);
      }
    }, (errorCode) => errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE);
  }

  // ---- the log ------------------------------------------------------------------------------------

  /** TransactionStateManager.appendTransactionToLog: the state changes only once the record is acknowledged. */
  private appendTransactionToLog(transactionalId: string, coordinatorEpoch: number, transit: TxnTransit, callback: Callback, retryOnError: (errorCode: number) => boolean = () => false): void {
    const found = this.lookup(transactionalId);
    if (typeof found === 'number') return callback(found);
    if (found.metadata === undefined || found.coordinatorEpoch !== coordinatorEpoch) return callback(ErrorCode.NOT_COORDINATOR);
    const appendId = this.nextAppendId++;
    this.appendHandlers.set(appendId, (appendError) => {
      let errorCode = coordinatorErrorOfAppend(appendError);
      const again = this.lookup(transactionalId);
      if (errorCode === ErrorCode.NONE) {
        if (typeof again === 'number') errorCode = again;
        else if (again.metadata === undefined || again.coordinatorEpoch !== coordinatorEpoch) errorCode = ErrorCode.NOT_COORDINATOR;
        else again.metadata.completeTransitionTo(transit);
      } else if (typeof again !== 'number' && again.metadata !== undefined && again.coordinatorEpoch === coordinatorEpoch && !retryOnError(errorCode)) {
        again.metadata.pendingState = null;
      }
      callback(errorCode);
    });
    this.effects.push({
      kind: 'append', appendId, partition: this.partitionFor(transactionalId), timestampMs: this.nowMs, timeoutMs: transit.txnTimeoutMs,
      records: [{ key: encodeTxnLogKey(transactionalId), value: encodeTxnLogValue(txnLogValueOf(transit)) }],
    });
  }

  // ---- timers -------------------------------------------------------------------------------------

  /** Ongoing transactions past their timeout are aborted with a bumped epoch, fencing their producer (Kafka 2.8). */
  private abortTimedOutTransactions(): void {
    for (const entry of this.partitions.values()) {
      if (entry.state !== 'loaded') continue;
      for (const m of [...entry.txns.values()]) {
        if (m.pendingTransitionInProgress || m.state !== 'Ongoing' || m.txnStartTimestamp + m.txnTimeoutMs >= this.nowMs) continue;
        const fence = m.prepareFenceProducerEpoch();
        const id = m.transactionalId;
        this.log('INFO', `Aborting transaction ${id} with producer id ${m.producerId} and epoch ${m.producerEpoch}: its timeout of ${m.txnTimeoutMs} ms has passed`);
        this.endTransaction(id, fence.producerId, fence.producerEpoch, false, false, (errorCode) => {
          if (errorCode === ErrorCode.NONE) this.log('INFO', `Completed rollback of ongoing transaction for transactionalId ${id} due to timeout`);
          else if (errorCode !== ErrorCode.CONCURRENT_TRANSACTIONS) this.log('WARN', `Could not rollback transaction for transactionalId ${id} due to timeout: error ${errorName(errorCode)}`);
          if (errorCode !== ErrorCode.NONE && m.pendingState === 'PrepareEpochFence') m.pendingState = null;
        });
      }
    }
  }

  /** Ids unused for transactional.id.expiration.ms in Empty/CompleteCommit/CompleteAbort get a tombstone and go. */
  private removeExpiredTransactionalIds(): void {
    const limit = this.nowMs - this.config.transactionalIdExpirationMs;
    for (const [partition, entry] of this.partitions) {
      if (entry.state !== 'loaded') continue;
      const expired = [...entry.txns.values()].filter((m) => !m.pendingTransitionInProgress && EXPIRATION_ALLOWED.has(m.state) && m.txnLastUpdateTimestamp <= limit);
      if (expired.length === 0) continue;
      for (const m of expired) m.prepareDead();
      const coordinatorEpoch = entry.coordinatorEpoch;
      const appendId = this.nextAppendId++;
      this.appendHandlers.set(appendId, (errorCode) => {
        const current = this.partitions.get(partition);
        const sameEntry = current !== undefined && current.coordinatorEpoch === coordinatorEpoch && current.state === 'loaded';
        for (const m of expired) {
          if (!sameEntry || current.txns.get(m.transactionalId) !== m) continue;
          if (errorCode === ErrorCode.NONE && m.pendingState === 'Dead') current.txns.delete(m.transactionalId);
          else if (m.pendingState === 'Dead') m.pendingState = null;
        }
        if (errorCode !== ErrorCode.NONE) this.log('WARN', `Failed to write tombstones for expired transactional ids to ${TRANSACTION_STATE_TOPIC}-${partition}: error ${errorName(errorCode)}`);
        else this.log('INFO', `Removed ${expired.length} expired transactional ids from ${TRANSACTION_STATE_TOPIC}-${partition}`);
      });
      this.effects.push({
        kind: 'append', appendId, partition, timestampMs: this.nowMs, timeoutMs: this.config.transactionMaxTimeoutMs,
        records: expired.map((m) => ({ key: encodeTxnLogKey(m.transactionalId), value: null })),
      });
    }
  }
}

function errorName(errorCode: number): string {
  return errorInfo(errorCode).name;
}
