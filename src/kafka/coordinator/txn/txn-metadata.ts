// One transactional id's state as Kafka 2.8's TransactionMetadata keeps it: the producer id and epoch (and the
// previous ones, for retried InitProducerId calls), the state, the partitions of the ongoing transaction and the
// pending transition. Every change is prepared first (pendingState set, a TxnTransit returned to be written to
// __transaction_state) and completed only once that write is acknowledged.
import type { TxnLogValue } from './txn-log-records.js';

export type TxnState = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort' | 'Dead' | 'PrepareEpochFence';

/** TransactionState.byte. */
export const TXN_STATE_IDS: Readonly<Record<TxnState, number>> = {
  Empty: 0, Ongoing: 1, PrepareCommit: 2, PrepareAbort: 3, CompleteCommit: 4, CompleteAbort: 5, Dead: 6, PrepareEpochFence: 7,
};
const STATE_BY_ID = Object.fromEntries(Object.entries(TXN_STATE_IDS).map(([s, id]) => [id, s as TxnState])) as Record<number, TxnState>;

export function txnStateOf(id: number): TxnState {
  const state = STATE_BY_ID[id];
  if (state === undefined) throw new IllegalTxnStateError(`Unknown transaction state byte ${id} from the transaction status message`);
  return state;
}

/** TransactionState.validPreviousStates. */
const VALID_PREVIOUS: Readonly<Record<TxnState, readonly TxnState[]>> = {
  Empty: ['Empty', 'CompleteCommit', 'CompleteAbort'],
  Ongoing: ['Ongoing', 'Empty', 'CompleteCommit', 'CompleteAbort'],
  PrepareCommit: ['Ongoing'],
  PrepareAbort: ['Ongoing', 'PrepareEpochFence'],
  CompleteCommit: ['PrepareCommit'],
  CompleteAbort: ['PrepareAbort'],
  Dead: ['Empty', 'CompleteAbort', 'CompleteCommit'],
  PrepareEpochFence: ['Ongoing'],
};

/** States whose transactional id may expire after transactional.id.expiration.ms without use. */
export const EXPIRATION_ALLOWED: ReadonlySet<TxnState> = new Set(['Empty', 'CompleteCommit', 'CompleteAbort']);

export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
const SHORT_MAX = 32767;

export interface TopicPartition {
  topic: string;
  partition: number;
}

export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

export class IllegalTxnStateError extends Error {
  override readonly name = 'IllegalTxnStateError';
}

/** TxnTransitMetadata: the state a prepared transition leads to. */
export interface TxnTransit {
  producerId: bigint;
  lastProducerId: bigint;
  producerEpoch: number;
  lastProducerEpoch: number;
  txnTimeoutMs: number;
  state: TxnState;
  partitions: TopicPartition[];
  txnStartTimestamp: number;
  txnLastUpdateTimestamp: number;
}

export class TransactionMetadata {
  pendingState: TxnState | null = null;
  /** An epoch fence was prepared but its write failed: the next fence reuses the bumped epoch. */
  hasFailedEpochFence = false;
  readonly partitions = new Map<string, TopicPartition>();

  constructor(
    readonly transactionalId: string,
    public producerId: bigint,
    public lastProducerId: bigint,
    public producerEpoch: number,
    public lastProducerEpoch: number,
    public txnTimeoutMs: number,
    public state: TxnState,
    partitions: readonly TopicPartition[],
    public txnStartTimestamp: number,
    public txnLastUpdateTimestamp: number,
  ) {
    for (const tp of partitions) this.partitions.set(tpKey(tp), tp);
  }

  get pendingTransitionInProgress(): boolean {
    return this.pendingState !== null;
  }

  get isProducerEpochExhausted(): boolean {
    return isEpochExhausted(this.producerEpoch);
  }

  removePartition(tp: TopicPartition): void {
    this.partitions.delete(tpKey(tp));
  }

  prepareFenceProducerEpoch(): TxnTransit {
    if (this.producerEpoch === SHORT_MAX) throw new IllegalTxnStateError('Cannot fence producer with epoch equal to Short.MaxValue since this would overflow');
    // A fence whose write failed was never returned to a client: its epoch is reused rather than bumped again.
    const bumped = this.hasFailedEpochFence ? this.producerEpoch : this.producerEpoch + 1;
    return this.prepareTransitionTo('PrepareEpochFence', this.producerId, bumped, NO_PRODUCER_EPOCH, this.txnTimeoutMs, [...this.partitions.values()], this.txnStartTimestamp, this.txnLastUpdateTimestamp);
  }

  /** Left: PRODUCER_FENCED (the error code is the caller's). */
  prepareIncrementProducerEpoch(newTxnTimeoutMs: number, expectedEpoch: number | undefined, nowMs: number): TxnTransit | 'fenced' {
    if (this.isProducerEpochExhausted) throw new IllegalTxnStateError(`Cannot allocate any more producer epochs for producerId ${this.producerId}`);
    const bumped = this.producerEpoch + 1;
    let next: [number, number];
    if (expectedEpoch === undefined) next = [bumped, NO_PRODUCER_EPOCH];
    else if (this.producerEpoch === NO_PRODUCER_EPOCH || expectedEpoch === this.producerEpoch) next = [bumped, this.producerEpoch];
    else if (expectedEpoch === this.lastProducerEpoch) next = [this.producerEpoch, this.lastProducerEpoch];
    else return 'fenced';
    return this.prepareTransitionTo('Empty', this.producerId, next[0], next[1], newTxnTimeoutMs, [], -1, nowMs);
  }

  prepareProducerIdRotation(newProducerId: bigint, newTxnTimeoutMs: number, nowMs: number, recordLastEpoch: boolean): TxnTransit {
    if (this.hasPendingTransaction) throw new IllegalTxnStateError('Cannot rotate producer ids while a transaction is still pending');
    return this.prepareTransitionTo('Empty', newProducerId, 0, recordLastEpoch ? this.producerEpoch : NO_PRODUCER_EPOCH, newTxnTimeoutMs, [], -1, nowMs);
  }

  prepareAddPartitions(added: readonly TopicPartition[], nowMs: number): TxnTransit {
    const start = this.state === 'Empty' || this.state === 'CompleteAbort' || this.state === 'CompleteCommit' ? nowMs : this.txnStartTimestamp;
    const all = new Map(this.partitions);
    for (const tp of added) all.set(tpKey(tp), tp);
    return this.prepareTransitionTo('Ongoing', this.producerId, this.producerEpoch, this.lastProducerEpoch, this.txnTimeoutMs, [...all.values()], start, nowMs);
  }

  prepareAbortOrCommit(newState: 'PrepareCommit' | 'PrepareAbort', nowMs: number): TxnTransit {
    return this.prepareTransitionTo(newState, this.producerId, this.producerEpoch, this.lastProducerEpoch, this.txnTimeoutMs, [...this.partitions.values()], this.txnStartTimestamp, nowMs);
  }

  prepareComplete(nowMs: number): TxnTransit {
    const newState = this.state === 'PrepareCommit' ? 'CompleteCommit' : 'CompleteAbort';
    // The prepare record was written, so a failed epoch fence before it no longer matters.
    this.hasFailedEpochFence = false;
    return this.prepareTransitionTo(newState, this.producerId, this.producerEpoch, this.lastProducerEpoch, this.txnTimeoutMs, [], this.txnStartTimestamp, nowMs);
  }

  prepareDead(): TxnTransit {
    return this.prepareTransitionTo('Dead', this.producerId, this.producerEpoch, this.lastProducerEpoch, this.txnTimeoutMs, [], this.txnStartTimestamp, this.txnLastUpdateTimestamp);
  }

  private get hasPendingTransaction(): boolean {
    return this.state === 'Ongoing' || this.state === 'PrepareAbort' || this.state === 'PrepareCommit';
  }

  private prepareTransitionTo(
    newState: TxnState, newProducerId: bigint, newEpoch: number, newLastEpoch: number, newTxnTimeoutMs: number,
    partitions: TopicPartition[], txnStartTimestamp: number, updateTimestamp: number,
  ): TxnTransit {
    if (this.pendingState !== null) throw new IllegalTxnStateError(`Preparing transaction state transition to ${newState} while it already a pending state ${this.pendingState}`);
    if (newProducerId < 0n) throw new IllegalTxnStateError(`Illegal new producer id ${newProducerId}`);
    if (newState !== 'Dead' && newEpoch < 0) throw new IllegalTxnStateError(`Illegal new producer epoch ${newEpoch}`);
    if (!VALID_PREVIOUS[newState].includes(this.state)) {
      throw new IllegalTxnStateError(`Preparing transaction state transition to ${newState} failed since the target state ${newState} is not a valid previous state of the current state ${this.state}`);
    }
    this.pendingState = newState;
    return {
      producerId: newProducerId, lastProducerId: this.producerId, producerEpoch: newEpoch, lastProducerEpoch: newLastEpoch, txnTimeoutMs: newTxnTimeoutMs,
      state: newState, partitions, txnStartTimestamp, txnLastUpdateTimestamp: updateTimestamp,
    };
  }

  /** Applies a transition whose record was acknowledged (TransactionMetadata.completeTransitionTo). */
  completeTransitionTo(t: TxnTransit): void {
    if (this.pendingState !== t.state) {
      throw new IllegalTxnStateError(`Completing transaction state transition to ${t.state} while its pending state is ${this.pendingState}`);
    }
    if (!VALID_PREVIOUS[t.state].includes(this.state)) throw new IllegalTxnStateError(`Completing transaction state transition from ${this.state} to ${t.state} is not valid`);
    this.producerId = t.producerId;
    this.lastProducerId = t.lastProducerId;
    this.producerEpoch = t.producerEpoch;
    this.lastProducerEpoch = t.lastProducerEpoch;
    this.txnTimeoutMs = t.txnTimeoutMs;
    this.partitions.clear();
    for (const tp of t.partitions) this.partitions.set(tpKey(tp), tp);
    this.txnStartTimestamp = t.txnStartTimestamp;
    this.txnLastUpdateTimestamp = t.txnLastUpdateTimestamp;
    this.state = t.state;
    this.pendingState = null;
  }

  /** The state as a loaded record rebuilds it (TransactionLog.readTxnRecordValue). */
  static fromLog(transactionalId: string, v: TxnLogValue): TransactionMetadata {
    const state = txnStateOf(v.transactionStatus);
    const partitions = state === 'Empty' ? [] : (v.transactionPartitions ?? []).flatMap((p) => p.partitionIds.map((partition) => ({ topic: p.topic, partition })));
    return new TransactionMetadata(
      transactionalId, v.producerId, NO_PRODUCER_ID, v.producerEpoch, NO_PRODUCER_EPOCH, v.transactionTimeoutMs, state, partitions,
      Number(v.transactionStartTimestampMs), Number(v.transactionLastUpdateTimestampMs),
    );
  }
}

export function isEpochExhausted(epoch: number): boolean {
  return epoch >= SHORT_MAX - 1;
}

/** TransactionLog.valueToBytes's content: partitions grouped by topic, none for Empty. */
export function txnLogValueOf(t: TxnTransit): TxnLogValue {
  if (t.state === 'Empty' && t.partitions.length > 0) throw new IllegalTxnStateError('Transaction is not expected to have any partitions since its state is Empty');
  let partitions: TxnLogValue['transactionPartitions'] = null;
  if (t.state !== 'Empty') {
    const byTopic = new Map<string, number[]>();
    for (const tp of t.partitions) {
      const list = byTopic.get(tp.topic) ?? [];
      list.push(tp.partition);
      byTopic.set(tp.topic, list);
    }
    partitions = [...byTopic].map(([topic, partitionIds]) => ({ topic, partitionIds }));
  }
  return {
    producerId: t.producerId, producerEpoch: t.producerEpoch, transactionTimeoutMs: t.txnTimeoutMs, transactionStatus: TXN_STATE_IDS[t.state],
    transactionPartitions: partitions, transactionLastUpdateTimestampMs: BigInt(t.txnLastUpdateTimestamp), transactionStartTimestampMs: BigInt(t.txnStartTimestamp),
  };
}
