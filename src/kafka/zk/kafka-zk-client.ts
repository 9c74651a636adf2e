// Kafka's KafkaZkClient over our ZooKeeper client: broker registration, controller election, reads of topics,
// assignments and partition states, fenced controller writes, topic creation/deletion requests, and watches.
// Thin by design: all decisions live in src/kafka/controller; all formats in zk-data.ts.
import {
  BadVersionError,
  NoNodeError,
  NodeExistsError,
  Op,
  ZooKeeperError,
  connectZooKeeper,
  parseConnectString,
  type WatchListener,
  type ZooKeeperClient,
  type ZooKeeperClientOptions,
} from '../../zookeeper/client/index.js';
import type { ClusterSnapshot, ControllerEvent, RegisteredBroker, TopicSnapshot } from '../controller/events.js';
import type { Effect, ZkWrite } from '../controller/effects.js';
import { BrokerIdInUseError, ControllerMovedError } from './errors.js';
import {
  INITIAL_CONTROLLER_EPOCH,
  INITIAL_CONTROLLER_EPOCH_ZK_VERSION,
  ISR_CHANGE_PREFIX,
  PERSISTENT_ZK_PATHS,
  ZkPaths,
  decodeBrokerRegistration,
  decodeClusterId,
  decodeController,
  decodeControllerEpoch,
  decodePartitionState,
  decodePreferredReplicaElection,
  encodeReassignPartitions,
  decodeTopicAssignment,
  encodeBrokerRegistration,
  encodeClusterId,
  encodeConfigEntity,
  encodeController,
  encodeControllerEpoch,
  encodePartitionState,
  encodeTopicAssignment,
  sequenceNumberOf,
  type BrokerRegistration,
  type PartitionState,
  type ReplicaAssignment,
} from './zk-data.js';

/** Creates the chroot of `zookeeper.connect` (persistent, with parents) through a connection without it. */
export async function ensureChroot(connectString: string, options: ZooKeeperClientOptions & { waitForConnectedMs?: number } = {}): Promise<void> {
  const { chroot } = parseConnectString(connectString);
  if (chroot === null) return;
  const hostsOnly = connectString.slice(0, connectString.indexOf('/'));
  const client = await connectZooKeeper(hostsOnly, options);
  try {
    if ((await client.exists(chroot)) === null) await client.mkdirp(chroot);
  } finally {
    await client.close();
  }
}

export interface ControllerEpochZkState {
  epoch: number;
  zkVersion: number;
}

export class KafkaZkClient {
  constructor(private session: ZooKeeperClient) {}

  /** The current ZooKeeper session's client. */
  get zk(): ZooKeeperClient {
    return this.session;
  }

  /**
   * Continues on a new session after the old one expired (Kafka's ZooKeeperClient reinitializes its handle the same
   * way), so holders of this object keep working; watches and ephemeral nodes of the old session are gone.
   */
  useSession(zk: ZooKeeperClient): void {
    this.session = zk;
  }

  /**
   * KafkaZkClient.generateBrokerSequenceId: bumps the version of /brokers/seqid (created if missing) and returns it;
   * the broker id is this plus reserved.broker.max.id.
   */
  async generateBrokerSequenceId(): Promise<number> {
    try {
      return (await this.zk.setData(ZkPaths.brokerSeqId, Buffer.alloc(0), -1)).version;
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      await this.zk.mkdirp(ZkPaths.brokerSeqId).catch(ignore(NodeExistsError));
      return this.generateBrokerSequenceId();
    }
  }

  /** KafkaZkClient.createTopLevelPaths: the persistent paths every broker makes sure exist. */
  async createTopLevelPaths(): Promise<void> {
    // The checks are pipelined, and so are the creates of the missing paths (the server runs one session's requests in
    // order, so an ancestor is created before its child; one another broker made meanwhile is NodeExists, which mkdirp
    // ignores): a broker's start-up on a new cluster waits for two round trips, not one per path.
    const stats = await Promise.all(PERSISTENT_ZK_PATHS.map((path) => this.zk.exists(path)));
    await Promise.all(PERSISTENT_ZK_PATHS.filter((_, i) => stats[i] === null).map((path) => this.zk.mkdirp(path)));
  }

  async getClusterId(): Promise<string | null> {
    const got = await this.getDataOrNull(ZkPaths.clusterId);
    return got === null ? null : decodeClusterId(got.data);
  }

  /** Creates /cluster/id with `proposedId` unless a cluster id exists; returns the cluster's id either way. */
  async createOrGetClusterId(proposedId: string): Promise<string> {
    try {
      await this.zk.mkdirp(ZkPaths.cluster);
      await this.zk.create(ZkPaths.clusterId, encodeClusterId(proposedId));
      return proposedId;
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
      const id = await this.getClusterId();
      if (id === null) throw new Error(`Failed to get cluster id from Zookeeper. This can happen if /cluster/id is deleted from Zookeeper.`);
      return id;
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Brokers

  /**
   * Ephemeral /brokers/ids/<id>; returns the broker epoch (czxid). A node left by this same session (a retried
   * create) counts as success; one owned by another session fails with Kafka's message.
   */
  async registerBroker(registration: Omit<BrokerRegistration, 'id'> & { id: number }): Promise<bigint> {
    const path = ZkPaths.brokerId(registration.id);
    try {
      const { stat } = await this.zk.create2(path, encodeBrokerRegistration(registration), undefined, 'EPHEMERAL');
      return stat.czxid;
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
      const stat = await this.zk.exists(path);
      if (stat !== null && stat.ephemeralOwner === this.zk.sessionId) return stat.czxid;
      throw new BrokerIdInUseError(path, stat?.ephemeralOwner ?? 0n, this.zk.sessionId, { cause: err });
    }
  }

  /** Sorted; none while /brokers/ids does not exist (Kafka's getSortedBrokerList reads it so). */
  async getBrokerIds(watcher?: WatchListener): Promise<number[]> {
    let children: string[];
    try {
      children = await this.zk.getChildren(ZkPaths.brokerIds, watcher);
    } catch (err) {
      if (err instanceof NoNodeError && watcher === undefined) return [];
      throw err;
    }
    return children.map(Number).filter(Number.isInteger).sort((a, b) => a - b);
  }

  /** Registered brokers with their epochs; brokers that vanish while being read are left out. */
  async getAllBrokers(watcher?: WatchListener): Promise<RegisteredBroker[]> {
    const out: RegisteredBroker[] = [];
    for (const id of await this.getBrokerIds(watcher)) {
      const got = await this.getDataOrNull(ZkPaths.brokerId(id));
      if (got) out.push({ registration: decodeBrokerRegistration(id, got.data), epoch: got.stat.czxid });
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Controller election

  async getControllerId(watcher?: WatchListener): Promise<number | null> {
    try {
      const { data } = await this.zk.getData(ZkPaths.controller, watcher);
      return decodeController(data);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      if (watcher) await this.zk.exists(ZkPaths.controller, watcher);
      return null;
    }
  }

  async getControllerEpoch(): Promise<ControllerEpochZkState | null> {
    const got = await this.getDataOrNull(ZkPaths.controllerEpoch);
    return got === null ? null : { epoch: decodeControllerEpoch(got.data), zkVersion: got.stat.version };
  }

  /**
   * KafkaZkClient.registerControllerAndIncrementControllerEpoch: one multi creates the ephemeral /controller and
   * sets /controller_epoch to epoch+1 expecting the version just read. Losing the race is ControllerMovedError,
   * unless the winning write was our own (a retry after connection loss).
   */
  async registerControllerAndIncrementControllerEpoch(brokerId: number, timestampMs: number): Promise<ControllerEpochZkState> {
    const current = (await this.getControllerEpoch()) ?? (await this.maybeCreateControllerEpochZNode());
    const newEpoch = current.epoch + 1;
    try {
      const results = await this.zk.multi([
        Op.create(ZkPaths.controller, encodeController(brokerId, timestampMs), undefined, 'EPHEMERAL'),
        Op.setData(ZkPaths.controllerEpoch, encodeControllerEpoch(newEpoch), current.zkVersion),
      ]);
      const set = results[1];
      if (set?.type !== 'setData') throw new Error('unexpected multi result for /controller_epoch');
      return { epoch: newEpoch, zkVersion: set.stat.version };
    } catch (err) {
      if (!(err instanceof NodeExistsError || err instanceof BadVersionError)) throw err;
      const controllerId = await this.getControllerId();
      if (controllerId === null) {
        throw new ControllerMovedError(`The ephemeral node at ${ZkPaths.controller} went away while checking whether the controller election succeeds. Aborting controller startup procedure`);
      }
      if (controllerId === brokerId) {
        const now = await this.getControllerEpoch();
        if (now === null) throw new Error(`${ZkPaths.controllerEpoch} existed before but goes away while trying to read it`);
        if (now.epoch === newEpoch) return now;
      }
      throw new ControllerMovedError('Controller moved to another broker. Aborting controller startup procedure');
    }
  }

  private async maybeCreateControllerEpochZNode(): Promise<ControllerEpochZkState> {
    try {
      await this.zk.create(ZkPaths.controllerEpoch, encodeControllerEpoch(INITIAL_CONTROLLER_EPOCH));
      return { epoch: INITIAL_CONTROLLER_EPOCH, zkVersion: INITIAL_CONTROLLER_EPOCH_ZK_VERSION };
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
      const now = await this.getControllerEpoch();
      if (now === null) throw new Error(`${ZkPaths.controllerEpoch} existed before but goes away while trying to read it`);
      return now;
    }
  }

  /** Resignation after a failure: delete /controller only while our epoch is current. */
  async deleteController(epochZkVersion: number): Promise<void> {
    await this.fencedMulti(epochZkVersion, [Op.delete(ZkPaths.controller)]).catch((err: unknown) => {
      if (!(err instanceof ControllerMovedError || err instanceof NoNodeError)) throw err;
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Topics

  /** Sorted; none while /brokers/topics does not exist (a chroot no broker has used yet), as Kafka reads it. */
  async getAllTopics(watcher?: WatchListener): Promise<string[]> {
    try {
      return (await this.zk.getChildren(ZkPaths.topics, watcher)).sort();
    } catch (err) {
      if (err instanceof NoNodeError && watcher === undefined) return [];
      throw err;
    }
  }

  /** KafkaZkClient.createRecursive: a persistent node, creating missing ancestors (with no data) first. */
  async createRecursive(path: string, data: Buffer | null): Promise<void> {
    try {
      await this.zk.create(path, data);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      await this.zk.mkdirp(path.slice(0, path.lastIndexOf('/')));
      await this.zk.create(path, data);
    }
  }

  async getTopicAssignment(topic: string, watcher?: WatchListener): Promise<TopicSnapshot | null> {
    try {
      const { data } = await this.zk.getData(ZkPaths.topic(topic), watcher);
      return decodeTopicAssignment(topic, data);
    } catch (err) {
      if (err instanceof NoNodeError) return null;
      throw err;
    }
  }

  async getPartitionState(topic: string, partition: number): Promise<{ state: PartitionState; zkVersion: number } | null> {
    const got = await this.getDataOrNull(ZkPaths.partitionState(topic, partition));
    return got === null ? null : { state: decodePartitionState(topic, partition, got.data), zkVersion: got.stat.version };
  }

  /**
   * AdminZkClient.createTopicWithAssignment: `/config/topics/<t>` first, then `/brokers/topics/<t>` (whose
   * creation the controller watches). An existing topic fails with Kafka's TopicExistsException text.
   */
  async createTopic(topic: string, topicId: string | null, partitions: ReadonlyMap<number, ReplicaAssignment>, config: Record<string, string> = {}): Promise<void> {
    if ((await this.zk.exists(ZkPaths.topic(topic))) !== null) throw new TopicExistsError(topic);
    const configPath = ZkPaths.configEntity('topics', topic);
    if ((await this.zk.exists(configPath)) === null) await this.createRecursive(configPath, encodeConfigEntity(config));
    else await this.zk.setData(configPath, encodeConfigEntity(config));
    try {
      await this.createRecursive(ZkPaths.topic(topic), encodeTopicAssignment(topicId, partitions));
    } catch (err) {
      if (err instanceof NodeExistsError) throw new TopicExistsError(topic, { cause: err });
      throw err;
    }
  }

  /** `/admin/delete_topics/<t>` (null data); false when already marked. */
  async markTopicForDeletion(topic: string): Promise<boolean> {
    try {
      await this.createRecursive(ZkPaths.deleteTopic(topic), null);
      return true;
    } catch (err) {
      if (err instanceof NodeExistsError) return false;
      throw err;
    }
  }

  /** What controller failover loads. */
  async loadClusterSnapshot(): Promise<ClusterSnapshot> {
    const brokers = await this.getAllBrokers();
    const topics: TopicSnapshot[] = [];
    const partitionStates: ClusterSnapshot['partitionStates'][number][] = [];
    for (const topic of await this.getAllTopics()) {
      const t = await this.getTopicAssignment(topic);
      if (!t) continue;
      topics.push(t);
      for (const partition of t.partitions.keys()) {
        const s = await this.getPartitionState(topic, partition);
        if (s) partitionStates.push({ topic, partition, ...s });
      }
    }
    const isrChanges = (await this.zk.getChildren(ZkPaths.isrChangeNotification)).map((c) => sequenceNumberOf(c, ISR_CHANGE_PREFIX));
    const preferred = await this.getDataOrNull(ZkPaths.preferredReplicaElection);
    return {
      brokers,
      topics,
      partitionStates,
      topicsToDelete: (await this.zk.getChildren(ZkPaths.deleteTopics)).sort(),
      isrChangeSequenceNumbers: isrChanges.sort(),
      pendingPreferredElection: preferred === null ? null : decodePreferredReplicaElection(preferred.data),
    };
  }

  // ------------------------------------------------------------------------------------------------------------
  // Watches (ZooKeeper watches fire once; these re-arm before reporting, so no change is missed)

  /**
   * Children of `path` now and after every change, until the returned function is called. The controller
   * watches /brokers/ids, /brokers/topics, /admin/delete_topics, /isr_change_notification and
   * /log_dir_event_notification this way.
   */
  watchChildren(path: string, onChildren: (children: string[]) => void, onError: (err: unknown) => void = () => {}): () => void {
    let stopped = false;
    const arm = (): void => {
      if (stopped) return;
      this.zk.getChildren(path, () => arm()).then((children) => {
        if (!stopped) onChildren(children);
      }, onError);
    };
    arm();
    return () => {
      stopped = true;
    };
  }

  /**
   * Data of `path` (null while it does not exist) now and after every change: /controller, /brokers/ids/<id>,
   * /brokers/topics/<t>, /admin/reassign_partitions, /admin/preferred_replica_election.
   */
  watchData(path: string, onData: (data: Buffer | null) => void, onError: (err: unknown) => void = () => {}): () => void {
    let stopped = false;
    const arm = (): void => {
      if (stopped) return;
      this.zk.getData(path, () => arm()).then(
        ({ data }) => {
          if (!stopped) onData(data ?? Buffer.alloc(0));
        },
        (err: unknown) => {
          if (!(err instanceof NoNodeError)) return onError(err);
          // Not there: wait for its creation instead.
          this.zk.exists(path, () => arm()).then((stat) => {
            if (stopped) return;
            if (stat === null) onData(null);
            else arm();
          }, onError);
        },
      );
    };
    arm();
    return () => {
      stopped = true;
    };
  }

  // ------------------------------------------------------------------------------------------------------------
  // Controller writes

  /**
   * Carries out the ZooKeeper writes among `effects`, in order, stopping at the first failure, which it returns
   * as the `ZkWriteFailed` event to feed back to the controller (null when every write succeeded).
   */
  async applyControllerEffects(effects: readonly Effect[]): Promise<Extract<ControllerEvent, { type: 'ZkWriteFailed' }> | null> {
    for (const e of effects) {
      if (e.type !== 'zkWrite') continue;
      try {
        await this.applyControllerWrite(e.controllerEpochZkVersion, e.write);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (err instanceof ControllerMovedError) return { type: 'ZkWriteFailed', reason: 'controllerMoved', message };
        if (err instanceof BadVersionError) return { type: 'ZkWriteFailed', reason: 'badVersion', message };
        return { type: 'ZkWriteFailed', reason: 'other', message };
      }
    }
    return null;
  }

  /**
   * Carries out one controller ZooKeeper effect, fenced by the /controller_epoch version. Throws
   * ControllerMovedError when the fence fails, the ZooKeeper error otherwise (BADVERSION for a stale zkVersion).
   */
  async applyControllerWrite(controllerEpochZkVersion: number, write: ZkWrite): Promise<void> {
    switch (write.kind) {
      case 'createPartitionState': {
        for (const parent of [ZkPaths.topicPartitions(write.topic), ZkPaths.topicPartition(write.topic, write.partition)]) {
          await this.fencedMulti(controllerEpochZkVersion, [Op.create(parent, null)]).catch(ignore(NodeExistsError));
        }
        await this.fencedMulti(controllerEpochZkVersion, [Op.create(ZkPaths.partitionState(write.topic, write.partition), encodePartitionState(write.state))]);
        return;
      }
      case 'updatePartitionState':
        await this.fencedMulti(controllerEpochZkVersion, [
          Op.setData(ZkPaths.partitionState(write.topic, write.partition), encodePartitionState(write.state), write.expectedZkVersion),
        ]);
        return;
      case 'setTopicAssignment':
        await this.fencedMulti(controllerEpochZkVersion, [Op.setData(ZkPaths.topic(write.topic), encodeTopicAssignment(write.topicId, write.partitions))]);
        return;
      case 'deleteTopic':
        await this.deleteSubtreeFenced(controllerEpochZkVersion, ZkPaths.topic(write.topic));
        await this.fencedMulti(controllerEpochZkVersion, [Op.delete(ZkPaths.configEntity('topics', write.topic))]).catch(ignore(NoNodeError));
        await this.fencedMulti(controllerEpochZkVersion, [Op.delete(ZkPaths.deleteTopic(write.topic))]).catch(ignore(NoNodeError));
        return;
      case 'deleteTopicDeletionMarker':
        await this.fencedMulti(controllerEpochZkVersion, [Op.delete(ZkPaths.deleteTopic(write.topic))]).catch(ignore(NoNodeError));
        return;
      case 'deleteIsrChangeNotifications':
        for (const seq of write.sequenceNumbers) {
          await this.fencedMulti(controllerEpochZkVersion, [Op.delete(ZkPaths.isrChange(seq))]).catch(ignore(NoNodeError));
        }
        return;
      case 'deletePreferredReplicaElection':
        await this.fencedMulti(controllerEpochZkVersion, [Op.delete(ZkPaths.preferredReplicaElection)]).catch(ignore(NoNodeError));
        return;
      case 'setReassignPartitions':
        if (write.partitions.length === 0) await this.fencedMulti(controllerEpochZkVersion, [Op.delete(ZkPaths.reassignPartitions)]).catch(ignore(NoNodeError));
        else await this.fencedMulti(controllerEpochZkVersion, [Op.setData(ZkPaths.reassignPartitions, encodeReassignPartitions(write.partitions))]).catch(ignore(NoNodeError));
        return;
    }
  }

  /** Leaves first, one fenced delete each (the tree under a topic is small: partitions/<p>/state). */
  private async deleteSubtreeFenced(epochZkVersion: number, root: string): Promise<void> {
    const order: string[] = [];
    const stack = [root];
    while (stack.length > 0) {
      const path = stack.pop()!;
      order.push(path);
      const children = await this.zk.getChildren(path).catch((err: unknown) => {
        if (err instanceof NoNodeError) return [] as string[];
        throw err;
      });
      for (const c of children) stack.push(`${path}/${c}`);
    }
    for (const path of order.reverse()) await this.fencedMulti(epochZkVersion, [Op.delete(path)]).catch(ignore(NoNodeError));
  }

  /** multi(check(/controller_epoch, v), ...ops): a failed check becomes ControllerMovedError. */
  private async fencedMulti(epochZkVersion: number, ops: Op[]): Promise<void> {
    try {
      await this.zk.multi([Op.check(ZkPaths.controllerEpoch, epochZkVersion), ...ops]);
    } catch (err) {
      if (err instanceof ZooKeeperError && err.results?.[0]?.type === 'error' && err.results[0].err !== 0) {
        throw new ControllerMovedError(`Controller epoch zkVersion check fails. Expected zkVersion = ${epochZkVersion}`, { cause: err });
      }
      throw err;
    }
  }

  private async getDataOrNull(path: string) {
    try {
      return await this.zk.getData(path);
    } catch (err) {
      if (err instanceof NoNodeError) return null;
      throw err;
    }
  }
}

export class TopicExistsError extends Error {
  override readonly name = 'TopicExistsError';
  constructor(topic: string, options?: ErrorOptions) {
    super(`Topic '${topic}' already exists.`, options);
  }
}

function ignore(cls: abstract new (...args: never[]) => Error) {
  return (err: unknown): void => {
    if (!(err instanceof cls)) throw err;
  };
}
