// The controller inside a broker (Kafka's KafkaController adapter around our pure KafkaController): the election on
// /controller, one FIFO event queue, failover from a ZooKeeper snapshot, the watches of an active controller, the
// controller's ZooKeeper writes (fenced, through KafkaZkClient), its requests to brokers (ControllerChannelManager),
// the API requests it answers (AlterIsr, ControlledShutdown, ...) and resignation.
import { randomBytes } from 'node:crypto';
import { KafkaController, Errors, type ControllerEvent, type Effect, type Reply } from '../../controller/index.js';
import type { BrokerRequest } from '../../controller/effects.js';
import { ControllerMovedError } from '../../zk/errors.js';
import { decodeController, ZkPaths } from '../../zk/zk-data.js';
import type { KafkaZkClient } from '../../zk/kafka-zk-client.js';
import type { BrokerLog } from '../broker-log.js';
import { ControllerChannelManager } from './channel-manager.js';
import { ControllerWatches } from './controller-watches.js';
import { ControllerEventQueue } from './event-queue.js';
import type { StopWatch } from './zk-watch.js';
import { watchData } from './zk-watch.js';

const LOGGER = 'kafka.controller.KafkaController';
/** Longest wait at shutdown for requests already queued to brokers. */
const SHUTDOWN_DRAIN_MS = 3000;

type EventOf<T extends ControllerEvent['type']> = Omit<Extract<ControllerEvent, { type: T }>, 'requestId'>;
/** An API request the controller answers, without the id the service assigns. */
export type ControllerRequestEvent =
  | EventOf<'AlterIsr'>
  | EventOf<'ControlledShutdown'>
  | EventOf<'PartitionReassignment'>
  | (EventOf<'PreferredReplicaElection'> & { source: 'api' })
  | EventOf<'UncleanReplicaElection'>;

/** What the broker's API handlers use of the controller. */
export interface ControllerApi {
  isActive(): boolean;
  /** Queues the request as a controller event; resolves with the controller's reply (NOT_CONTROLLER if it is not). */
  request(event: ControllerRequestEvent): Promise<Reply>;
}

export interface ControllerServiceOptions {
  brokerId: number;
  kafkaZk: KafkaZkClient;
  interBrokerListenerName: string;
  deleteTopicEnable: boolean;
  /** unclean.leader.election.enable of a topic (its override, else the broker's), read when an election runs. */
  uncleanLeaderElectionEnable: (topic: string) => boolean;
  autoLeaderRebalanceEnable: boolean;
  leaderImbalancePerBrokerPercentage: number;
  leaderImbalanceCheckIntervalMs: number;
  controllerSocketTimeoutMs: number;
  log: BrokerLog;
  now?: () => number;
}

export class ControllerService implements ControllerApi {
  private readonly machine: KafkaController;
  private readonly queue: ControllerEventQueue;
  private readonly channels: ControllerChannelManager;
  private readonly watches: ControllerWatches;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private nextRequestId = 1;
  private activeControllerId = -1;
  private epochZkVersion = -1;
  private stopControllerWatch: StopWatch | null = null;
  private rebalanceTimer: NodeJS.Timeout | null = null;
  private shuttingDown = false;
  private readonly now: () => number;

  constructor(private readonly opts: ControllerServiceOptions) {
    this.now = opts.now ?? Date.now;
    this.machine = new KafkaController({
      brokerId: opts.brokerId,
      deleteTopicEnable: opts.deleteTopicEnable,
      uncleanLeaderElectionEnabled: (topic) => opts.uncleanLeaderElectionEnable(topic),
      interBrokerListener: opts.interBrokerListenerName,
      leaderImbalancePerBrokerPercentage: opts.leaderImbalancePerBrokerPercentage,
      randomBytes: (n) => randomBytes(n),
      log: (level, message) => opts.log(level === 'error' ? 'ERROR' : level === 'warn' ? 'WARN' : 'INFO', `${this.prefix} ${message}`, LOGGER),
    });
    this.queue = new ControllerEventQueue((err) => this.log('ERROR', `Error processing event: ${(err as Error)?.stack ?? String(err)}`));
    this.channels = new ControllerChannelManager({
      controllerId: opts.brokerId,
      requestTimeoutMs: opts.controllerSocketTimeoutMs,
      log: opts.log,
      onResponse: (brokerId, request, response) => this.onBrokerResponse(brokerId, request, response),
    });
    this.watches = new ControllerWatches(opts.kafkaZk, this.machine, (run) => this.enqueueIfActive(run), (err) => this.log('ERROR', `Watch failed: ${(err as Error)?.message ?? String(err)}`));
  }

  private get prefix(): string {
    return `[Controller id=${this.opts.brokerId}]`;
  }

  private log(level: 'INFO' | 'WARN' | 'ERROR', message: string): void {
    this.opts.log(level, `${this.prefix} ${message}`, LOGGER);
  }

  isActive(): boolean {
    return this.machine.isActive;
  }

  /** The controller this broker knows of (-1 for none). */
  get controllerId(): number {
    return this.activeControllerId;
  }

  /** KafkaController.startup: watch /controller and run the election. */
  startup(): void {
    this.armControllerWatch();
    this.queue.put({ run: () => this.elect() });
  }

  /** After a session expiry (Kafka's Expire event): everything waiting is dropped and the controller resigns. */
  sessionExpired(): Promise<void> {
    this.stopControllerWatch?.();
    return new Promise((resolve) => {
      this.queue.clearAndPut({ run: () => this.process({ type: 'Resign' }).finally(resolve), drop: resolve });
    });
  }

  /** Registered again on a new session (RegisterBrokerAndReelect): watch /controller again and run the election. */
  reregistered(): void {
    this.armControllerWatch();
    this.queue.put({ run: () => this.reelect() });
  }

  request(event: ControllerRequestEvent): Promise<Reply> {
    const requestId = this.nextRequestId++;
    const full = { ...event, requestId } as ControllerEvent;
    return new Promise<Reply>((resolve) => {
      this.pending.set(requestId, resolve);
      const answerIfUnanswered = () => {
        if (!this.pending.delete(requestId)) return;
        resolve(notControllerReply(event));
      };
      this.queue.put({ run: () => this.process(full).finally(answerIfUnanswered), drop: answerIfUnanswered });
    });
  }

  /** unclean.leader.election.enable was switched on for `topic` (null: the broker default): offline partitions are retried. */
  uncleanLeaderElectionEnabled(topic: string | null): void {
    this.enqueueIfActive(async () => ({ type: 'UncleanLeaderElectionEnable', topic }));
  }

  /** KafkaController.shutdown: stop the queue, resign, close the channels. /controller goes with the session. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    this.stopControllerWatch?.();
    await this.queue.stop();
    // What a last event (a controlled shutdown of this very broker) asked of the other brokers goes out first.
    if (this.machine.isActive) await this.channels.drain(SHUTDOWN_DRAIN_MS);
    if (this.machine.isActive) await this.carryOut(this.machine.handle({ type: 'Resign' }));
    this.watches.stopAll();
    this.channels.closeAll();
    this.clearRebalanceTimer();
  }

  // ------------------------------------------------------------------------------------------------------------
  // Election

  private armControllerWatch(): void {
    this.stopControllerWatch?.();
    this.stopControllerWatch = watchData(
      this.opts.kafkaZk,
      ZkPaths.controller,
      (data) => this.queue.put({ run: () => (data === null ? this.reelect() : this.controllerChange(data)) }),
      (err) => this.log('ERROR', `Watch of ${ZkPaths.controller} failed: ${(err as Error)?.message ?? String(err)}`),
    );
  }

  private async elect(): Promise<void> {
    if (this.shuttingDown) return;
    const zk = this.opts.kafkaZk;
    const current = await zk.getControllerId();
    if (current !== null) {
      this.activeControllerId = current;
      if (current !== this.opts.brokerId) this.log('INFO', `Broker ${current} has been elected as the controller, so stopping the election process.`);
      return;
    }
    try {
      const won = await zk.registerControllerAndIncrementControllerEpoch(this.opts.brokerId, this.now());
      this.activeControllerId = this.opts.brokerId;
      this.epochZkVersion = won.zkVersion;
      this.log('INFO', `${this.opts.brokerId} successfully elected as the controller. Epoch incremented to ${won.epoch} and epoch zk version is now ${won.zkVersion}`);
      await this.failover(won.epoch, won.zkVersion);
    } catch (err) {
      if (err instanceof ControllerMovedError) {
        await this.maybeResign();
        if (this.activeControllerId === -1) this.log('WARN', 'A controller has been elected but just resigned, this will result in another round of election');
        else this.opts.log('DEBUG', `${this.prefix} Broker ${this.activeControllerId} was elected as controller instead of broker ${this.opts.brokerId}`, LOGGER);
        return;
      }
      this.log('ERROR', `Error while electing or becoming controller on broker ${this.opts.brokerId}. Trigger controller movement immediately: ${(err as Error)?.stack ?? String(err)}`);
      await this.triggerControllerMove();
    }
  }

  /** KafkaController.onControllerFailover: watches first (so no change is missed), then the snapshot. */
  private async failover(epoch: number, epochZkVersion: number): Promise<void> {
    this.log('INFO', 'Registering handlers');
    this.watches.armAll();
    const snapshot = await this.opts.kafkaZk.loadClusterSnapshot();
    this.log('INFO', `Initialized broker epochs cache: ${snapshot.brokers.map((b) => `${b.registration.id} -> ${b.epoch}`).join(', ')}`);
    await this.process({ type: 'BecomeController', controllerEpoch: epoch, epochZkVersion, snapshot });
    if (this.machine.isActive) this.scheduleRebalance();
  }

  private async controllerChange(data: Buffer): Promise<void> {
    const wasActive = this.machine.isActive;
    try {
      this.activeControllerId = decodeController(data);
    } catch {
      this.activeControllerId = -1;
    }
    if (wasActive && this.activeControllerId !== this.opts.brokerId) await this.process({ type: 'Resign' });
  }

  private async reelect(): Promise<void> {
    await this.maybeResign();
    await this.elect();
  }

  private async maybeResign(): Promise<void> {
    const wasActive = this.machine.isActive;
    this.activeControllerId = (await this.opts.kafkaZk.getControllerId()) ?? -1;
    if (wasActive && this.activeControllerId !== this.opts.brokerId) await this.process({ type: 'Resign' });
  }

  /** Resign and delete /controller (epoch-checked) so that a new election runs. */
  private async triggerControllerMove(): Promise<void> {
    const epochZkVersion = this.epochZkVersion;
    if (this.machine.isActive) await this.carryOut(this.machine.handle({ type: 'Resign' }));
    // A failover that broke off half-way has armed watches and opened channels without a Resign to undo them.
    this.watches.stopAll();
    this.channels.closeAll();
    this.clearRebalanceTimer();
    this.epochZkVersion = -1;
    this.activeControllerId = -1;
    if (epochZkVersion >= 0) await this.opts.kafkaZk.deleteController(epochZkVersion).catch((err: unknown) => this.log('ERROR', `Deleting ${ZkPaths.controller} failed: ${String(err)}`));
  }

  // ------------------------------------------------------------------------------------------------------------
  // Events and effects

  private enqueueIfActive(run: () => Promise<ControllerEvent | null>): void {
    this.queue.put({
      run: async () => {
        if (!this.machine.isActive) return;
        const event = await run();
        if (event && this.machine.isActive) await this.process(event);
      },
    });
  }

  /** One event through the state machine: its ZooKeeper writes, then its requests, replies and channel changes. */
  private async process(event: ControllerEvent): Promise<void> {
    const effects = this.machine.handle(event);
    const failed = await this.opts.kafkaZk.applyControllerEffects(effects);
    if (failed) {
      this.log('ERROR', `ZooKeeper write failed (${failed.reason}): ${failed.message}`);
      await this.carryOut(this.machine.handle(failed));
      return;
    }
    await this.carryOut(effects);
  }

  private async carryOut(effects: readonly Effect[]): Promise<void> {
    for (const e of effects) {
      switch (e.type) {
        case 'zkWrite':
          break;
        case 'addBrokerChannel': {
          const endpoint = this.interBrokerEndpoint(e.brokerId);
          if (endpoint) this.channels.add(e.brokerId, endpoint);
          else this.log('ERROR', `Broker ${e.brokerId} has no endpoint on ${this.opts.interBrokerListenerName}; no requests can be sent to it`);
          break;
        }
        case 'removeBrokerChannel':
          this.channels.remove(e.brokerId);
          break;
        case 'sendRequest':
          this.channels.send(e.brokerId, e.request);
          break;
        case 'reply': {
          const resolve = this.pending.get(e.requestId);
          this.pending.delete(e.requestId);
          resolve?.(e.reply);
          break;
        }
        case 'resigned':
          await this.onResigned(e.deleteControllerZnode);
          break;
      }
    }
  }

  private async onResigned(deleteControllerZnode: boolean): Promise<void> {
    this.log('INFO', 'Resigned');
    this.watches.stopAll();
    this.channels.closeAll();
    this.clearRebalanceTimer();
    const epochZkVersion = this.epochZkVersion;
    this.epochZkVersion = -1;
    if (deleteControllerZnode && epochZkVersion >= 0) {
      await this.opts.kafkaZk.deleteController(epochZkVersion).catch((err: unknown) => this.log('ERROR', `Deleting ${ZkPaths.controller} failed: ${String(err)}`));
    }
  }

  private interBrokerEndpoint(brokerId: number): { host: string; port: number } | undefined {
    const endpoints = this.machine.ctx.liveBrokers.get(brokerId)?.registration.endpoints ?? [];
    const e = endpoints.find((x) => x.listenerName === this.opts.interBrokerListenerName);
    // An empty host means every interface of that broker; loopback reaches it from the same machine only, which is
    // the best guess Kafka's own NetworkClient would make too (it resolves "" to the local host).
    return e ? { host: e.host === '' ? 'localhost' : e.host, port: e.port } : undefined;
  }

  private onBrokerResponse(brokerId: number, request: BrokerRequest, response: unknown): void {
    if (request.api === 'StopReplica') {
      const deleting = request.topicStates.flatMap((t) => t.partitionStates.filter((p) => p.deletePartition).map((p) => ({ topic: t.topicName, partition: p.partitionIndex })));
      if (deleting.length === 0) return;
      const r = response as { errorCode: number; partitionErrors: { topicName: string; partitionIndex: number; errorCode: number }[] };
      const errors = new Map(r.partitionErrors.map((p) => [`${p.topicName}\u0000${p.partitionIndex}`, p.errorCode]));
      const partitions = deleting.map((p) => ({ ...p, errorCode: r.errorCode !== 0 ? r.errorCode : (errors.get(`${p.topic}\u0000${p.partition}`) ?? 0) }));
      this.enqueueIfActive(async () => ({ type: 'TopicDeletionStopReplicaResponse', brokerId, partitions }));
      return;
    }
    const errorCode = (response as { errorCode: number }).errorCode;
    if (errorCode !== 0) this.log('WARN', `Broker ${brokerId} answered ${request.api} with error ${errorCode}`);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Auto leader rebalance (auto.leader.rebalance.enable)

  private scheduleRebalance(): void {
    this.clearRebalanceTimer();
    if (!this.opts.autoLeaderRebalanceEnable) return;
    this.rebalanceTimer = setInterval(() => this.enqueueIfActive(async () => ({ type: 'AutoPreferredReplicaLeaderElection' })), this.opts.leaderImbalanceCheckIntervalMs);
    this.rebalanceTimer.unref();
  }

  private clearRebalanceTimer(): void {
    if (this.rebalanceTimer) clearInterval(this.rebalanceTimer);
    this.rebalanceTimer = null;
  }
}

/** The answer of a controller that is not (or no longer) active. */
export function notControllerReply(event: ControllerRequestEvent): Reply {
  const errorCode = Errors.NOT_CONTROLLER;
  switch (event.type) {
    case 'AlterIsr':
      return { api: 'AlterIsr', errorCode, topics: [] };
    case 'ControlledShutdown':
      return { api: 'ControlledShutdown', errorCode, remainingPartitions: [] };
    case 'PartitionReassignment':
      return { api: 'AlterPartitionReassignments', errorCode, errorMessage: null, responses: [] };
    case 'PreferredReplicaElection':
    case 'UncleanReplicaElection':
      return { api: 'ElectLeaders', errorCode, replicaElectionResults: [] };
  }
}
