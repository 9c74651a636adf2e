// Runs the pure group coordinator (src/kafka/coordinator) inside the broker: requests become calls with the current
// time and a request id whose answer a promise waits for; the effects it returns are carried out here — answers
// resolve those promises, appends go to __consumer_offsets through the local leader, and one scheduler task fires
// at the coordinator's earliest deadline (session expiries, delayed joins, offset expiry), so no group waits on
// another. Leadership changes of __consumer_offsets partitions load (one partition at a time, as Kafka's
// single-threaded loader) or unload their groups. Transaction markers written to __consumer_offsets partitions
// (TxnMarkerListener) complete the transactional offset commits pending there.
import { randomUUID } from 'node:crypto';
import type { KafkaConfig } from '../../../config/kafka-config.js';
import { GroupCoordinator } from '../../coordinator/coordinator.js';
import type { OffsetsLogEntry } from '../../coordinator/offsets-records.js';
import type { CoordinatorConfig, CoordinatorResponse, Effect } from '../../coordinator/types.js';
import type { Clock, Scheduler } from '../../storage/scheduler.js';
import type { LeadershipChange, LocalPartitions, TxnMarkerListener } from '../broker-contracts.js';
import type { BrokerLog } from '../broker-log.js';
import { CloseConnection } from '../handler.js';
import { DeadlineTask, PendingAnswers } from '../internal-topics/coordinator-calls.js';
import { OffsetsAppender } from './offsets-appender.js';
import { OFFSETS_TOPIC } from './offsets-batches.js';
import { readOffsetsPartition } from './offsets-partition-reader.js';

export const GROUP_METADATA_LOGGER = 'kafka.coordinator.group.GroupMetadataManager';

export type GroupServiceConfig = CoordinatorConfig &
  Pick<KafkaConfig, 'offsetsTopicCompressionCodec' | 'offsetsCommitRequiredAcks' | 'offsetsCommitTimeoutMs' | 'offsetsLoadBufferSizeBytes'>;

export interface GroupServiceOptions {
  config: GroupServiceConfig;
  partitions: LocalPartitions;
  clock: Clock;
  scheduler: Scheduler;
  log: BrokerLog;
  brokerId: number;
  newUuid?: () => string;
}

/** Kafka's member ids end in a java.util.UUID's text. */
const defaultUuid = (): string => randomUUID();

export class GroupCoordinatorService implements TxnMarkerListener {
  readonly coordinator: GroupCoordinator;
  private readonly waiting = new PendingAnswers<CoordinatorResponse>();
  private readonly appender: OffsetsAppender;
  private readonly unsubscribe: () => void;
  private readonly deadline: DeadlineTask;
  private loads: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly opts: GroupServiceOptions) {
    const { config } = opts;
    this.coordinator = new GroupCoordinator(config, opts.newUuid ?? defaultUuid);
    this.appender = new OffsetsAppender(opts.partitions, opts.scheduler, {
      compression: config.offsetsTopicCompressionCodec,
      requiredAcks: config.offsetsCommitRequiredAcks,
      timeoutMs: config.offsetsCommitTimeoutMs,
    });
    this.deadline = new DeadlineTask(opts.scheduler, 'group-coordinator-deadline', () => this.now(), () => this.apply(this.coordinator.tick(this.now())), () => this.coordinator.nextDeadlineMs());
    this.apply(this.coordinator.startup(this.now()));
    this.unsubscribe = opts.partitions.onLeadershipChange((change) => this.onLeadershipChange(change));
  }

  private get prefix(): string {
    return `[GroupMetadataManager brokerId=${this.opts.brokerId}]`;
  }

  private now(): number {
    return this.opts.clock.nowMs();
  }

  /** Calls the coordinator for one request; resolves with its answer, which may come from a later call or timer. */
  request<R extends CoordinatorResponse>(call: (c: GroupCoordinator, nowMs: number, requestId: number) => Effect[]): Promise<R> {
    if (this.stopped) return Promise.reject(new CloseConnection('the group coordinator is shut down'));
    return this.waiting.request<R>((requestId) => this.apply(call(this.coordinator, this.now(), requestId)));
  }

  /** A COMMIT or ABORT marker is in a local leader partition: on __consumer_offsets, the producer's pending offsets end. */
  onTxnMarkerWritten(topic: string, partition: number, producerId: number, _producerEpoch: number, commit: boolean): void {
    if (topic !== OFFSETS_TOPIC || this.stopped) return;
    this.apply(this.coordinator.txnMarkerWritten(this.now(), partition, producerId, commit));
  }

  /** The __consumer_offsets partition of a group. */
  partitionFor(groupId: string): number {
    return this.coordinator.partitionFor(groupId);
  }

  /** Requests still waiting for their answer (delayed joins and syncs, commits being written). */
  waitingCount(): number {
    return this.waiting.size;
  }

  /** Resolves once the loads and unloads queued so far are done. */
  settled(): Promise<void> {
    return this.loads;
  }

  /**
   * Stops the timers and leadership tracking. Requests still waiting (delayed joins, syncs, commits) get their
   * connection closed rather than an answer, as the connections of a Kafka broker that shuts down are.
   */
  shutdown(): void {
    this.stopped = true;
    this.waiting.closeAll('the group coordinator is shutting down');
    this.unsubscribe();
    this.deadline.stop();
  }

  private apply(effects: Effect[]): void {
    if (this.stopped) return;
    for (const e of effects) {
      switch (e.kind) {
        case 'respond':
          this.waiting.answer(e.requestId, e.response);
          break;
        case 'forget':
          // Superseded by a newer JoinGroup/SyncGroup of the same member: Kafka never answers it either.
          this.waiting.forget(e.requestId);
          break;
        case 'append':
          this.appender.append({ partition: e.partition, records: e.records, timestampMs: e.timestampMs, awaited: e.acks === 'all', producer: e.producer }, (errorCode) => {
            if (e.acks === 'all') this.apply(this.coordinator.appendCompleted(this.now(), e.appendId, errorCode));
            else if (errorCode !== 0) this.opts.log('WARN', `${this.prefix} Failed to append ${e.records.length} tombstones to ${OFFSETS_TOPIC}-${e.partition}: error code ${errorCode}`, GROUP_METADATA_LOGGER);
          });
          break;
        case 'timer':
          this.deadline.arm(e.deadlineMs);
          break;
      }
    }
  }

  private onLeadershipChange(change: LeadershipChange): void {
    if (change.topic !== OFFSETS_TOPIC || this.stopped) return;
    const { partition, leaderEpoch } = change;
    if (!change.isLeader) {
      this.opts.log('INFO', `${this.prefix} Scheduling unloading of offsets and group metadata from ${OFFSETS_TOPIC}-${partition}`, GROUP_METADATA_LOGGER);
      this.apply(this.coordinator.unload(this.now(), partition, leaderEpoch));
      return;
    }
    this.opts.log('INFO', `${this.prefix} Scheduling loading of offsets and group metadata from ${OFFSETS_TOPIC}-${partition} for epoch ${leaderEpoch}`, GROUP_METADATA_LOGGER);
    this.apply(this.coordinator.beginLoad(this.now(), partition, leaderEpoch));
    const scheduledAt = this.now();
    this.loads = this.loads.then(() => this.load(partition, leaderEpoch, scheduledAt));
  }

  private isLoading(partition: number, leaderEpoch: number): boolean {
    const owned = this.coordinator.partitions.get(partition);
    return !this.stopped && owned?.state === 'loading' && owned.leaderEpoch === leaderEpoch;
  }

  private async load(partition: number, leaderEpoch: number, scheduledAt: number): Promise<void> {
    if (!this.isLoading(partition, leaderEpoch)) return;
    const started = this.now();
    let records: OffsetsLogEntry[] = [];
    try {
      records = await readOffsetsPartition(this.opts.partitions, partition, this.opts.config.offsetsLoadBufferSizeBytes, () =>
        this.isLoading(partition, leaderEpoch),
      );
    } catch (err) {
      // As Kafka: the partition is owned after a failed load, with what could not be read left out.
      this.opts.log('ERROR', `${this.prefix} Error loading offsets from ${OFFSETS_TOPIC}-${partition}: ${(err as Error)?.stack ?? String(err)}`, GROUP_METADATA_LOGGER);
      records = [];
    }
    if (!this.isLoading(partition, leaderEpoch)) return;
    this.apply(this.coordinator.completeLoad(this.now(), partition, leaderEpoch, records));
    const done = this.now();
    this.opts.log(
      'INFO',
      `${this.prefix} Finished loading offsets and group metadata from ${OFFSETS_TOPIC}-${partition} in ${done - scheduledAt} milliseconds, ` +
        `of which ${started - scheduledAt} milliseconds was spent in the scheduler.`,
      GROUP_METADATA_LOGGER,
    );
  }
}
