// Runs the pure transaction coordinator (src/kafka/coordinator/txn) inside the broker: requests become calls with the
// current time and a request id whose answer a promise waits for; the effects it returns are carried out here —
// answers resolve those promises, fresh producer ids come from the ProducerIdManager, appends go to
// __transaction_state through the local leader with acks=-1, markers go to the partition leaders through the marker
// sender, and one scheduler task fires at the coordinator's earliest deadline. Leadership changes of
// __transaction_state partitions load (one partition at a time) or unload their transactional ids.
import type { KafkaConfig } from '../../../config/kafka-config.js';
import { TransactionCoordinator } from '../../coordinator/txn/txn-coordinator.js';
import { decodeTxnLogRecord, TRANSACTION_STATE_TOPIC, type TxnLogRecord } from '../../coordinator/txn/txn-log-records.js';
import type { AddPartitionsCall, EndTxnCall, InitProducerIdCall, TxnCoordinatorConfig, TxnEffect, TxnResponse } from '../../coordinator/txn/txn-types.js';
import type { Clock, Scheduler } from '../../storage/scheduler.js';
import type { LeadershipChange, LocalPartitions } from '../broker-contracts.js';
import type { BrokerLog } from '../broker-log.js';
import { CloseConnection } from '../handler.js';
import { DeadlineTask, PendingAnswers } from '../internal-topics/coordinator-calls.js';
import { InternalTopicAppender } from '../internal-topics/internal-topic-appender.js';
import { keyedRecordDecoder, readInternalPartition } from '../internal-topics/internal-topic-reader.js';
import { TxnMarkerSender, type MarkerSenderOptions } from './txn-marker-sender.js';

export const TXN_COORDINATOR_LOGGER = 'kafka.coordinator.transaction.TransactionCoordinator';
export const TXN_STATE_MANAGER_LOGGER = 'kafka.coordinator.transaction.TransactionStateManager';
/** TransactionLog.EnforcedRequiredAcks. */
const TXN_LOG_REQUIRED_ACKS = -1;
/** TransactionLog.EnforcedCompressionType (NONE). */
const TXN_LOG_COMPRESSION = 0;

export type TxnServiceConfig = TxnCoordinatorConfig & Pick<KafkaConfig, 'transactionStateLogLoadBufferSize'>;

export interface TxnServiceOptions {
  config: TxnServiceConfig;
  partitions: LocalPartitions;
  clock: Clock;
  scheduler: Scheduler;
  log: BrokerLog;
  brokerId: number;
  producerIds: { generateProducerId(): Promise<bigint> };
  /** Where and how markers are sent (the callbacks are the service's). */
  markers: Omit<MarkerSenderOptions, 'onWritten' | 'onFenced' | 'scheduler' | 'log'>;
}

const NEED_PRODUCER_ID = Symbol('need a producer id');
type Answer = TxnResponse | typeof NEED_PRODUCER_ID;

const decodeTxnBatches = keyedRecordDecoder<TxnLogRecord>(TRANSACTION_STATE_TOPIC, decodeTxnLogRecord);

export class TxnCoordinatorService {
  readonly coordinator: TransactionCoordinator;
  readonly markers: TxnMarkerSender;
  private readonly waiting = new PendingAnswers<Answer>();
  private readonly appender: InternalTopicAppender;
  private readonly unsubscribe: () => void;
  private readonly deadline: DeadlineTask;
  private loads: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly opts: TxnServiceOptions) {
    this.coordinator = new TransactionCoordinator(opts.config);
    this.appender = new InternalTopicAppender(opts.partitions, opts.scheduler, {
      topic: TRANSACTION_STATE_TOPIC, compression: TXN_LOG_COMPRESSION, requiredAcks: TXN_LOG_REQUIRED_ACKS, timeoutMs: opts.config.transactionMaxTimeoutMs,
    });
    this.markers = new TxnMarkerSender({
      ...opts.markers,
      scheduler: opts.scheduler,
      log: opts.log,
      onWritten: (id, epoch, partitions) => this.guarded('completing markers', () => this.coordinator.markersWritten(this.now(), id, epoch, partitions)),
      onFenced: (id, epoch, errorName) => this.guarded('fencing markers', () => this.coordinator.markersFenced(this.now(), id, epoch, errorName)),
    });
    this.deadline = new DeadlineTask(opts.scheduler, 'transaction-coordinator-deadline', () => this.now(), () => this.apply(this.coordinator.tick(this.now())), () => this.coordinator.nextDeadlineMs());
    this.apply(this.coordinator.startup(this.now()));
    this.unsubscribe = opts.partitions.onLeadershipChange((change) => this.onLeadershipChange(change));
  }

  private now(): number {
    return this.opts.clock.nowMs();
  }

  partitionFor(transactionalId: string): number {
    return this.coordinator.partitionFor(transactionalId);
  }

  async initProducerId(call: InitProducerIdCall): Promise<TxnResponse> {
    let producerId: bigint | undefined;
    for (;;) {
      const answer = await this.request((c, now, id) => c.initProducerId(now, id, call, producerId));
      if (answer !== NEED_PRODUCER_ID) return answer;
      producerId = await this.opts.producerIds.generateProducerId();
    }
  }

  async addPartitions(call: AddPartitionsCall): Promise<number> {
    return ((await this.request((c, now, id) => c.addPartitions(now, id, call))) as TxnResponse).errorCode;
  }

  async endTxn(call: EndTxnCall): Promise<number> {
    return ((await this.request((c, now, id) => c.endTxn(now, id, call))) as TxnResponse).errorCode;
  }

  /** Resolves once the loads and unloads queued so far are done. */
  settled(): Promise<void> {
    return this.loads;
  }

  shutdown(): void {
    this.stopped = true;
    this.waiting.closeAll('the transaction coordinator is shutting down');
    this.unsubscribe();
    this.deadline.stop();
    this.markers.shutdown();
  }

  private request(call: (c: TransactionCoordinator, nowMs: number, requestId: number) => TxnEffect[]): Promise<Answer> {
    if (this.stopped) return Promise.reject(new CloseConnection('the transaction coordinator is shut down'));
    return this.waiting.request((requestId) => this.apply(call(this.coordinator, this.now(), requestId)));
  }

  /** A call made from a callback (an append or a marker answer): a broken invariant is logged, not thrown at the caller. */
  private guarded(what: string, call: () => TxnEffect[]): void {
    try {
      this.apply(call());
    } catch (err) {
      this.opts.log('ERROR', `[Transaction Coordinator ${this.opts.brokerId}]: Error ${what}: ${(err as Error)?.stack ?? String(err)}`, TXN_COORDINATOR_LOGGER);
    }
  }

  private apply(effects: TxnEffect[]): void {
    if (this.stopped) return;
    for (const e of effects) {
      switch (e.kind) {
        case 'respond':
          this.waiting.answer(e.requestId, e.response);
          break;
        case 'needProducerId':
          this.waiting.answer(e.requestId, NEED_PRODUCER_ID);
          break;
        case 'append':
          this.appender.append({ partition: e.partition, records: e.records, timestampMs: e.timestampMs, awaited: true, timeoutMs: e.timeoutMs }, (errorCode) =>
            this.guarded('completing an append', () => this.coordinator.appendCompleted(this.now(), e.appendId, errorCode)),
          );
          break;
        case 'sendMarkers':
          this.markers.add(e.marker);
          break;
        case 'cancelMarkers':
          this.markers.cancel(e.transactionalId);
          break;
        case 'cancelPartitionMarkers':
          this.markers.cancelTxnPartition(e.txnPartition);
          break;
        case 'timer':
          this.deadline.arm(e.deadlineMs);
          break;
        case 'log':
          this.opts.log(e.level, `[Transaction Coordinator ${this.opts.brokerId}]: ${e.message}`, TXN_COORDINATOR_LOGGER);
          break;
      }
    }
  }

  private get prefix(): string {
    return `[Transaction State Manager ${this.opts.brokerId}]:`;
  }

  private onLeadershipChange(change: LeadershipChange): void {
    if (change.topic !== TRANSACTION_STATE_TOPIC || this.stopped) return;
    const { partition, leaderEpoch } = change;
    if (!change.isLeader) {
      this.opts.log('INFO', `${this.prefix} Unloading transaction metadata from ${TRANSACTION_STATE_TOPIC}-${partition}`, TXN_STATE_MANAGER_LOGGER);
      this.apply(this.coordinator.unload(this.now(), partition, leaderEpoch));
      return;
    }
    this.opts.log('INFO', `${this.prefix} Loading transaction metadata from ${TRANSACTION_STATE_TOPIC}-${partition} at epoch ${leaderEpoch}`, TXN_STATE_MANAGER_LOGGER);
    this.apply(this.coordinator.beginLoad(this.now(), partition, leaderEpoch));
    const scheduledAt = this.now();
    this.loads = this.loads.then(() => this.load(partition, leaderEpoch, scheduledAt));
  }

  private isLoading(partition: number, leaderEpoch: number): boolean {
    const owned = this.coordinator.partitions.get(partition);
    return !this.stopped && owned?.state === 'loading' && owned.coordinatorEpoch === leaderEpoch;
  }

  private async load(partition: number, leaderEpoch: number, scheduledAt: number): Promise<void> {
    if (!this.isLoading(partition, leaderEpoch)) return;
    let records: TxnLogRecord[] = [];
    try {
      records = await readInternalPartition(this.opts.partitions, TRANSACTION_STATE_TOPIC, partition, this.opts.config.transactionStateLogLoadBufferSize, decodeTxnBatches, () =>
        this.isLoading(partition, leaderEpoch),
      );
    } catch (err) {
      this.opts.log('ERROR', `${this.prefix} Error loading transactions from ${TRANSACTION_STATE_TOPIC}-${partition}: ${(err as Error)?.stack ?? String(err)}`, TXN_STATE_MANAGER_LOGGER);
      records = [];
    }
    if (!this.isLoading(partition, leaderEpoch)) return;
    this.apply(this.coordinator.completeLoad(this.now(), partition, leaderEpoch, records));
    this.opts.log('INFO', `${this.prefix} Finished loading ${this.coordinator.partitions.get(partition)?.txns.size ?? 0} transaction metadata from ${TRANSACTION_STATE_TOPIC}-${partition} in ${this.now() - scheduledAt} milliseconds`, TXN_STATE_MANAGER_LOGGER);
  }
}
