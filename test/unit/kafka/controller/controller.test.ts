import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaController } from '../../../../src/kafka/controller/controller.js';
import { Errors } from '../../../../src/kafka/controller/error-codes.js';
import type { Effect, LeaderAndIsrRequest, StopReplicaRequest, UpdateMetadataRequest } from '../../../../src/kafka/controller/effects.js';
import type { ClusterSnapshot } from '../../../../src/kafka/controller/events.js';
import { ZkModel, broker, counterBytes, topicSnapshot } from '../../../support/kafka-cluster-model.js';

const emptySnapshot = (brokers = [1, 2, 3]): ClusterSnapshot => ({
  brokers: brokers.map((id) => broker(id, BigInt(100 + id))),
  topics: [],
  partitionStates: [],
  topicsToDelete: [],
  isrChangeSequenceNumbers: [],
  pendingPreferredElection: null,
});

function setup(opts: { unclean?: boolean } = {}) {
  const logs: string[] = [];
  const controller = new KafkaController({
    brokerId: 1,
    randomBytes: counterBytes(),
    uncleanLeaderElectionEnabled: () => opts.unclean ?? false,
    log: (level, message) => logs.push(`${level}: ${message}`),
  });
  const zk = new ZkModel();
  zk.controllerEpochZkVersion = 4;
  const run = (effects: Effect[]) => {
    zk.apply(effects);
    return effects;
  };
  run(controller.handle({ type: 'BecomeController', controllerEpoch: 5, epochZkVersion: 4, snapshot: emptySnapshot() }));
  return { controller, zk, logs, run };
}

const requests = <T>(effects: Effect[], api: string) =>
  effects.flatMap((e) => (e.type === 'sendRequest' && e.request.api === api ? [{ brokerId: e.brokerId, request: e.request as T }] : []));

test('failover: channels, then UpdateMetadata with the broker list to every live broker', () => {
  const controller = new KafkaController({ brokerId: 1, randomBytes: counterBytes() });
  const effects = controller.handle({ type: 'BecomeController', controllerEpoch: 1, epochZkVersion: 0, snapshot: emptySnapshot([1, 2]) });
  assert.deepEqual(effects.map((e) => e.type), ['addBrokerChannel', 'addBrokerChannel', 'sendRequest', 'sendRequest']);
  const um = requests<UpdateMetadataRequest>(effects, 'UpdateMetadata');
  assert.deepEqual(um.map((r) => [r.brokerId, r.request.brokerEpoch, r.request.controllerEpoch, r.request.liveBrokers.map((b) => b.id)]), [
    [1, 101n, 1, [1, 2]],
    [2, 102n, 1, [1, 2]],
  ]);
});

test('new topic: state znodes with the first live replica as leader, LeaderAndIsr(isNew) to the ISR, then UpdateMetadata', () => {
  const { controller, zk, run } = setup();
  const t = topicSnapshot('t', [[2, 1, 3], [3, 2, 1]]);
  const effects = run(controller.handle({ type: 'TopicChange', topics: ['t'], assignments: [t] }));
  assert.deepEqual(zk.violations, []);
  assert.deepEqual(zk.partitionStates.get('t:0'), { state: { leader: 2, leaderEpoch: 0, isr: [2, 1, 3], controllerEpoch: 5 }, zkVersion: 0 });
  assert.deepEqual(zk.partitionStates.get('t:1')?.state.leader, 3);
  const kinds = effects.map((e) => (e.type === 'sendRequest' ? e.request.api : e.type));
  assert.deepEqual(kinds.slice(0, 2), ['zkWrite', 'zkWrite']);
  assert.ok(kinds.indexOf('LeaderAndIsr') < kinds.indexOf('UpdateMetadata'));
  const lai = requests<LeaderAndIsrRequest>(effects, 'LeaderAndIsr');
  assert.deepEqual(lai.map((r) => r.brokerId), [1, 2, 3]);
  const p0 = lai[0]!.request.topicStates[0]!.partitionStates[0]!;
  assert.deepEqual(p0, { partitionIndex: 0, controllerEpoch: 5, leader: 2, leaderEpoch: 0, isr: [2, 1, 3], zkVersion: 0, replicas: [2, 1, 3], addingReplicas: [], removingReplicas: [], isNew: true });
  assert.deepEqual(lai[0]!.request.liveLeaders, [{ brokerId: 2, hostName: 'b2', port: 9094 }, { brokerId: 3, hostName: 'b3', port: 9095 }]);
  assert.equal(controller.ctx.partitionState({ topic: 't', partition: 0 }), 'OnlinePartition');
  assert.equal(controller.ctx.replicaState({ topic: 't', partition: 0, broker: 3 }), 'OnlineReplica');
});

test('broker failure: clean election in assignment order, ISR shrink with epoch bumps, last ISR member kept', () => {
  const { controller, zk, run } = setup();
  run(controller.handle({ type: 'TopicChange', topics: ['t', 'solo'], assignments: [topicSnapshot('t', [[2, 3, 1]]), topicSnapshot('solo', [[2]])] }));
  const effects = run(controller.handle({ type: 'BrokerChange', brokers: [broker(1, 101n), broker(3, 103n)] }));
  assert.deepEqual(zk.violations, []);
  // t-0: leader 2 died → 3 (next in assignment order and in ISR); the election already drops 2 from the ISR, so
  // the OfflineReplica step has nothing left to write.
  assert.deepEqual(zk.partitionStates.get('t:0'), { state: { leader: 3, leaderEpoch: 1, isr: [3, 1], controllerEpoch: 5 }, zkVersion: 1 });
  // solo-0: no other replica, leader −1 and the last ISR member stays.
  assert.deepEqual(zk.partitionStates.get('solo:0'), { state: { leader: -1, leaderEpoch: 1, isr: [2], controllerEpoch: 5 }, zkVersion: 1 });
  assert.equal(controller.ctx.partitionState({ topic: 'solo', partition: 0 }), 'OfflinePartition');
  assert.ok(effects.some((e) => e.type === 'removeBrokerChannel' && e.brokerId === 2));
  assert.equal(requests(effects, 'StopReplica').length, 0, 'no StopReplica to a dead broker');
  // Broker 2 returns: solo-0 gets its leader back without unclean election.
  run(controller.handle({ type: 'BrokerChange', brokers: [broker(1, 101n), broker(2, 202n), broker(3, 103n)] }));
  assert.deepEqual(zk.partitionStates.get('solo:0')?.state, { leader: 2, leaderEpoch: 2, isr: [2], controllerEpoch: 5 });
  assert.deepEqual(zk.violations, []);
});

test('unclean election only when enabled', () => {
  const { controller, zk, run } = setup({ unclean: true });
  run(controller.handle({ type: 'TopicChange', topics: ['t'], assignments: [topicSnapshot('t', [[2, 3]])] }));
  // ISR shrinks to [2] through AlterIsr, then 2 dies: 3 is out of sync but unclean election is on.
  run(controller.handle({ type: 'AlterIsr', requestId: 1, brokerId: 2, brokerEpoch: 102n, topics: [{ name: 't', partitions: [{ partitionIndex: 0, leaderEpoch: 0, newIsr: [2], currentIsrVersion: 0 }] }] }));
  run(controller.handle({ type: 'BrokerChange', brokers: [broker(1, 101n), broker(3, 103n)] }));
  assert.deepEqual(zk.partitionStates.get('t:0')?.state, { leader: 3, leaderEpoch: 1, isr: [3], controllerEpoch: 5 });
  assert.deepEqual(zk.violations, []);
});

test('AlterIsr: epochs, versions and the write', () => {
  const { controller, zk, run } = setup();
  run(controller.handle({ type: 'TopicChange', topics: ['t'], assignments: [topicSnapshot('t', [[1, 2, 3]])] }));
  const alter = (brokerEpoch: bigint, leaderEpoch: number, newIsr: number[], currentIsrVersion: number, brokerId = 1) =>
    run(controller.handle({ type: 'AlterIsr', requestId: 7, brokerId, brokerEpoch, topics: [{ name: 't', partitions: [{ partitionIndex: 0, leaderEpoch, newIsr, currentIsrVersion }] }] }));
  const replyOf = (effects: Effect[]) => {
    const r = effects.find((e) => e.type === 'reply');
    assert.ok(r && r.type === 'reply' && r.reply.api === 'AlterIsr');
    return r.reply;
  };
  assert.equal(replyOf(alter(999n, 0, [1, 2], 0)).errorCode, Errors.STALE_BROKER_EPOCH);
  const ok = alter(101n, 0, [1, 2], 0);
  assert.deepEqual(replyOf(ok).topics[0]!.partitions[0], { partitionIndex: 0, errorCode: 0, leaderId: 1, leaderEpoch: 0, isr: [1, 2], currentIsrVersion: 1 });
  assert.deepEqual(requests(ok, 'LeaderAndIsr'), [], 'no LeaderAndIsr for a leader-made ISR change');
  assert.equal(requests(ok, 'UpdateMetadata').length, 3);
  assert.equal(ok.at(-1)!.type, 'reply', 'reply after the write and the requests');
  assert.equal(replyOf(alter(101n, 0, [1], 0)).topics[0]!.partitions[0]!.errorCode, Errors.INVALID_UPDATE_VERSION);
  assert.equal(replyOf(alter(101n, -1, [1], 1)).topics[0]!.partitions[0]!.errorCode, Errors.FENCED_LEADER_EPOCH);
  assert.equal(replyOf(alter(101n, 0, [2], 1)).topics[0]!.partitions[0]!.errorCode, Errors.INVALID_REQUEST, 'leader must stay in ISR');
  assert.equal(replyOf(alter(101n, 0, [1, 2], 1)).topics[0]!.partitions[0]!.currentIsrVersion, 1, 'unchanged ISR: no write');
  assert.deepEqual(zk.partitionStates.get('t:0'), { state: { leader: 1, leaderEpoch: 0, isr: [1, 2], controllerEpoch: 5 }, zkVersion: 1 });
  assert.deepEqual(zk.violations, []);
});

test('AlterIsr does not add a broker whose registration is gone; it still drops one', () => {
  const { controller, zk, run } = setup();
  run(controller.handle({ type: 'TopicChange', topics: ['t'], assignments: [topicSnapshot('t', [[1, 2, 3]])] }));
  const alter = (newIsr: number[], currentIsrVersion: number) => {
    const effects = run(controller.handle({ type: 'AlterIsr', requestId: 9, brokerId: 1, brokerEpoch: 101n, topics: [{ name: 't', partitions: [{ partitionIndex: 0, leaderEpoch: 0, newIsr, currentIsrVersion }] }] }));
    const r = effects.find((e) => e.type === 'reply');
    assert.ok(r && r.type === 'reply' && r.reply.api === 'AlterIsr');
    return r.reply.topics[0]!.partitions[0]!;
  };
  assert.equal(alter([1], 0).errorCode, Errors.NONE);
  // Broker 3 leaves while the leader's proposal to add it back is on its way.
  run(controller.handle({ type: 'BrokerChange', brokers: [broker(1, 101n), broker(2, 102n)] }));
  const version = zk.partitionStates.get('t:0')!.zkVersion;
  assert.equal(alter([1, 3], version).errorCode, Errors.INELIGIBLE_REPLICA);
  assert.equal(alter([1, 2, 3], version).errorCode, Errors.INELIGIBLE_REPLICA);
  assert.deepEqual(zk.partitionStates.get('t:0')?.state.isr, [1]);
  assert.deepEqual(alter([1, 2], version).isr, [1, 2], 'a live broker is added');
  assert.deepEqual(zk.violations, []);
});

test('controlled shutdown moves leadership, stops followers, answers remaining partitions', () => {
  const { controller, zk, run } = setup();
  run(controller.handle({ type: 'TopicChange', topics: ['t', 'solo'], assignments: [topicSnapshot('t', [[2, 1], [1, 2]]), topicSnapshot('solo', [[2]])] }));
  const stale = run(controller.handle({ type: 'ControlledShutdown', requestId: 3, brokerId: 2, brokerEpoch: 1n }));
  assert.deepEqual(stale, [{ type: 'reply', requestId: 3, reply: { api: 'ControlledShutdown', errorCode: Errors.STALE_BROKER_EPOCH, remainingPartitions: [] } }]);
  const effects = run(controller.handle({ type: 'ControlledShutdown', requestId: 4, brokerId: 2, brokerEpoch: 102n }));
  assert.deepEqual(zk.partitionStates.get('t:0')?.state, { leader: 1, leaderEpoch: 1, isr: [1], controllerEpoch: 5 });
  assert.deepEqual(zk.partitionStates.get('t:1')?.state, { leader: 1, leaderEpoch: 1, isr: [1], controllerEpoch: 5 });
  const stop = requests<StopReplicaRequest>(effects, 'StopReplica');
  assert.deepEqual(stop.map((s) => [s.brokerId, s.request.topicStates]), [[2, [{ topicName: 't', partitionStates: [{ partitionIndex: 1, leaderEpoch: 0, deletePartition: false }] }]]]);
  const reply = effects.at(-1)!;
  assert.deepEqual(reply, { type: 'reply', requestId: 4, reply: { api: 'ControlledShutdown', errorCode: 0, remainingPartitions: [] } });
  assert.equal(controller.ctx.partitionState({ topic: 'solo', partition: 0 }), 'OnlinePartition', 'RF 1 partitions are left alone');
  assert.deepEqual(zk.violations, []);
});

test('topic deletion: UpdateMetadata with leader -2, StopReplica(delete), then znodes removed', () => {
  const { controller, zk, run } = setup();
  run(controller.handle({ type: 'TopicChange', topics: ['t'], assignments: [topicSnapshot('t', [[1, 2]])] }));
  const effects = run(controller.handle({ type: 'TopicDeletion', topics: ['t', 'unknown'] }));
  assert.ok(effects.some((e) => e.type === 'zkWrite' && e.write.kind === 'deleteTopicDeletionMarker' && e.write.topic === 'unknown'));
  const um = requests<UpdateMetadataRequest>(effects, 'UpdateMetadata');
  assert.ok(um.length > 0 && um.every((r) => r.request.topicStates[0]!.partitionStates[0]!.leader === -2));
  const stop = requests<StopReplicaRequest>(effects, 'StopReplica');
  assert.deepEqual(stop.map((s) => s.brokerId), [1, 2]);
  assert.deepEqual(stop[0]!.request.topicStates[0]!.partitionStates, [{ partitionIndex: 0, leaderEpoch: -2, deletePartition: true }]);
  run(controller.handle({ type: 'TopicDeletionStopReplicaResponse', brokerId: 1, partitions: [{ topic: 't', partition: 0, errorCode: 0 }] }));
  assert.ok(controller.ctx.assignments.has('t'));
  const done = run(controller.handle({ type: 'TopicDeletionStopReplicaResponse', brokerId: 2, partitions: [{ topic: 't', partition: 0, errorCode: 0 }] }));
  assert.ok(done.some((e) => e.type === 'zkWrite' && e.write.kind === 'deleteTopic' && e.write.topic === 't'));
  assert.equal(controller.ctx.assignments.has('t'), false);
  assert.deepEqual(zk.violations, []);
});

test('requests to a non-active controller get NOT_CONTROLLER; invalid transitions are logged and skipped', () => {
  const idle = new KafkaController({ brokerId: 1, randomBytes: counterBytes() });
  assert.deepEqual(idle.handle({ type: 'ControlledShutdown', requestId: 9, brokerId: 2, brokerEpoch: 1n }), [
    { type: 'reply', requestId: 9, reply: { api: 'ControlledShutdown', errorCode: Errors.NOT_CONTROLLER, remainingPartitions: [] } },
  ]);
  assert.deepEqual(idle.handle({ type: 'BrokerChange', brokers: [] }), []);
  const { controller, logs, run } = setup();
  run(controller.handle({ type: 'TopicChange', topics: ['t'], assignments: [topicSnapshot('t', [[1]])] }));
  // A StopReplica answer for a replica that was never asked to delete is ignored; a preferred election where the
  // preferred replica already leads is ELECTION_NOT_NEEDED.
  const pref = controller.handle({ type: 'PreferredReplicaElection', source: 'api', requestId: 2, partitions: [{ topic: 't', partition: 0 }] });
  assert.deepEqual(pref.at(-1), { type: 'reply', requestId: 2, reply: { api: 'ElectLeaders', errorCode: 0, replicaElectionResults: [{ topic: 't', partitionResult: [{ partitionId: 0, errorCode: Errors.ELECTION_NOT_NEEDED, errorMessage: null }] }] } });
  // A second TopicChange for the same topic does not re-create it.
  assert.deepEqual(controller.handle({ type: 'TopicChange', topics: ['t'], assignments: [topicSnapshot('t', [[1]])] }), []);
  assert.deepEqual(logs.filter((l) => l.startsWith('error')), []);
});

test('resign on a failed fenced write asks for /controller to be deleted', () => {
  const { controller } = setup();
  const effects = controller.handle({ type: 'ZkWriteFailed', reason: 'badVersion', message: 'KeeperErrorCode = BadVersion' });
  assert.deepEqual(effects.at(-1), { type: 'resigned', deleteControllerZnode: true });
  assert.equal(controller.isActive, false);
  const moved = setup().controller.handle({ type: 'ZkWriteFailed', reason: 'controllerMoved', message: 'x' });
  assert.deepEqual(moved.at(-1), { type: 'resigned', deleteControllerZnode: false });
});

test('topics without an id get one on first sight (deterministic from the injected randomness)', () => {
  const { controller, zk, run } = setup();
  run(controller.handle({ type: 'TopicChange', topics: ['old'], assignments: [topicSnapshot('old', [[1]], null)] }));
  const written = zk.topics.get('old');
  assert.ok(written);
  assert.equal(written.topicId, 'AAAAAQAAQACAAAAAAAAAAA');
  assert.equal(controller.ctx.topicIds.get('old'), written.topicId);
});

test('enabling unclean election retries offline partitions', () => {
  let unclean = false;
  const controller = new KafkaController({ brokerId: 1, randomBytes: counterBytes(), uncleanLeaderElectionEnabled: () => unclean });
  const zk = new ZkModel();
  const run = (effects: Effect[]) => (zk.apply(effects), effects);
  run(controller.handle({ type: 'BecomeController', controllerEpoch: 1, epochZkVersion: 0, snapshot: emptySnapshot([1, 2]) }));
  run(controller.handle({ type: 'TopicChange', topics: ['t'], assignments: [topicSnapshot('t', [[1, 2]])] }));
  run(controller.handle({ type: 'AlterIsr', requestId: 1, brokerId: 1, brokerEpoch: 101n, topics: [{ name: 't', partitions: [{ partitionIndex: 0, leaderEpoch: 0, newIsr: [1], currentIsrVersion: 0 }] }] }));
  run(controller.handle({ type: 'BrokerChange', brokers: [broker(2, 102n)] }));
  assert.deepEqual(zk.partitionStates.get('t:0')?.state, { leader: -1, leaderEpoch: 1, isr: [1], controllerEpoch: 1 });
  assert.deepEqual(controller.handle({ type: 'UncleanLeaderElectionEnable', topic: 't' }).filter((e) => e.type === 'zkWrite'), []);
  unclean = true;
  run(controller.handle({ type: 'UncleanLeaderElectionEnable', topic: 't' }));
  assert.deepEqual(zk.partitionStates.get('t:0')?.state, { leader: 2, leaderEpoch: 2, isr: [2], controllerEpoch: 1 });
  assert.deepEqual(zk.violations, []);
});

test('a partition state written by a newer controller makes this one resign (and answer NOT_CONTROLLER)', () => {
  const controller = new KafkaController({ brokerId: 1, randomBytes: counterBytes() });
  const snapshot: ClusterSnapshot = {
    ...emptySnapshot([1, 2]),
    topics: [topicSnapshot('t', [[1, 2]])],
    partitionStates: [{ topic: 't', partition: 0, state: { leader: 1, leaderEpoch: 3, isr: [1, 2], controllerEpoch: 8 }, zkVersion: 3 }],
  };
  const effects = controller.handle({ type: 'BecomeController', controllerEpoch: 7, epochZkVersion: 6, snapshot });
  assert.deepEqual(effects.at(-1), { type: 'resigned', deleteControllerZnode: false });
  assert.deepEqual(effects.filter((e) => e.type === 'zkWrite' || e.type === 'sendRequest'), [], 'nothing of the aborted failover is carried out');
  assert.equal(controller.isActive, false);
  assert.deepEqual(controller.handle({ type: 'ControlledShutdown', requestId: 5, brokerId: 2, brokerEpoch: 102n }).at(-1), {
    type: 'reply',
    requestId: 5,
    reply: { api: 'ControlledShutdown', errorCode: Errors.NOT_CONTROLLER, remainingPartitions: [] },
  });
});

test('reassignment: RS/AR/RR written, new replica started, completion moves leadership and deletes removed replicas', () => {
  const { controller, zk, run } = setup();
  run(controller.handle({ type: 'TopicChange', topics: ['t'], assignments: [topicSnapshot('t', [[1, 2]])] }));
  const bad = controller.handle({ type: 'PartitionReassignment', requestId: 1, reassignments: [{ topic: 't', partition: 0, replicas: [3, 3] }, { topic: 'x', partition: 0, replicas: [1] }] });
  assert.deepEqual(bad, [{ type: 'reply', requestId: 1, reply: { api: 'AlterPartitionReassignments', errorCode: 0, errorMessage: null, responses: [
    { name: 't', partitions: [{ partitionIndex: 0, errorCode: Errors.INVALID_REPLICA_ASSIGNMENT, errorMessage: 'The partition has duplicate replicas: 3,3.' }] },
    { name: 'x', partitions: [{ partitionIndex: 0, errorCode: Errors.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'The partition does not exist.' }] },
  ] } }]);
  const started = run(controller.handle({ type: 'PartitionReassignment', requestId: 2, reassignments: [{ topic: 't', partition: 0, replicas: [3, 2] }] }));
  assert.deepEqual(zk.topics.get('t')?.partitions.get(0), { replicas: [3, 2, 1], addingReplicas: [3], removingReplicas: [1] });
  assert.deepEqual(zk.partitionStates.get('t:0'), { state: { leader: 1, leaderEpoch: 1, isr: [1, 2], controllerEpoch: 5 }, zkVersion: 1 });
  const lai = requests<LeaderAndIsrRequest>(started, 'LeaderAndIsr');
  assert.deepEqual(lai.map((r) => [r.brokerId, r.request.topicStates[0]!.partitionStates[0]!.isNew]), [[1, false], [2, false], [3, true]]);
  // The leader adds 3 to the ISR: TRS ⊆ ISR completes the reassignment.
  const done = run(controller.handle({ type: 'AlterIsr', requestId: 3, brokerId: 1, brokerEpoch: 101n, topics: [{ name: 't', partitions: [{ partitionIndex: 0, leaderEpoch: 1, newIsr: [1, 2, 3], currentIsrVersion: 1 }] }] }));
  assert.deepEqual(zk.topics.get('t')?.partitions.get(0), { replicas: [3, 2], addingReplicas: [], removingReplicas: [] });
  assert.deepEqual(zk.partitionStates.get('t:0')?.state, { leader: 3, leaderEpoch: 3, isr: [2, 3], controllerEpoch: 5 });
  const stops = requests<StopReplicaRequest>(done, 'StopReplica');
  assert.deepEqual(stops.map((s) => [s.brokerId, s.request.topicStates[0]!.partitionStates[0]!.deletePartition]), [[1, true]]);
  assert.equal(controller.ctx.replicaState({ topic: 't', partition: 0, broker: 1 }), 'NonExistentReplica');
  assert.deepEqual(zk.violations, []);
  const cancel = controller.handle({ type: 'PartitionReassignment', requestId: 4, reassignments: [{ topic: 't', partition: 0, replicas: null }] });
  assert.equal((cancel.at(-1) as { reply: { responses: { partitions: { errorCode: number }[] }[] } }).reply.responses[0]!.partitions[0]!.errorCode, Errors.NO_REASSIGNMENT_IN_PROGRESS);
});

test('reassignment adding two replicas: one joining the ISR changes nothing; both in it complete the move', () => {
  const { controller, zk, run } = setup();
  run(controller.handle({ type: 'BrokerChange', brokers: [1, 2, 3, 4].map((id) => broker(id, BigInt(100 + id))) }));
  run(controller.handle({ type: 'TopicChange', topics: ['t'], assignments: [topicSnapshot('t', [[1, 2]])] }));
  const started = run(controller.handle({ type: 'PartitionReassignment', requestId: 1, reassignments: [{ topic: 't', partition: 0, replicas: [3, 4] }] }));
  const lai = requests<LeaderAndIsrRequest>(started, 'LeaderAndIsr');
  assert.deepEqual(lai.map((r) => [r.brokerId, r.request.topicStates[0]!.partitionStates[0]!.leaderEpoch, r.request.topicStates[0]!.partitionStates[0]!.isNew]), [[1, 1, false], [2, 1, false], [3, 1, true], [4, 1, true]]);
  // 4 catches up first: no new epoch (3, still fetching at epoch 1, would be fenced), no request.
  const half = run(controller.handle({ type: 'AlterIsr', requestId: 2, brokerId: 1, brokerEpoch: 101n, topics: [{ name: 't', partitions: [{ partitionIndex: 0, leaderEpoch: 1, newIsr: [1, 2, 4], currentIsrVersion: 1 }] }] }));
  assert.deepEqual(requests(half, 'LeaderAndIsr'), []);
  assert.equal(zk.partitionStates.get('t:0')?.state.leaderEpoch, 1);
  const done = run(controller.handle({ type: 'AlterIsr', requestId: 3, brokerId: 1, brokerEpoch: 101n, topics: [{ name: 't', partitions: [{ partitionIndex: 0, leaderEpoch: 1, newIsr: [1, 2, 4, 3], currentIsrVersion: 2 }] }] }));
  assert.deepEqual(zk.topics.get('t')?.partitions.get(0), { replicas: [3, 4], addingReplicas: [], removingReplicas: [] });
  assert.equal(zk.partitionStates.get('t:0')?.state.leader, 3);
  assert.deepEqual(requests<StopReplicaRequest>(done, 'StopReplica').map((s) => s.brokerId).sort(), [1, 2]);
  assert.deepEqual(zk.violations, []);
});

test('/admin/reassign_partitions: refused partitions leave the znode at once, the others when done; the API takes a partition over', () => {
  const { controller, zk, run } = setup();
  run(controller.handle({ type: 'TopicChange', topics: ['t'], assignments: [topicSnapshot('t', [[1, 2], [2, 1], [1, 3]])] }));
  zk.reassignPartitions = [{ topic: 't', partition: 0, replicas: [2, 3] }, { topic: 't', partition: 1, replicas: [9] }, { topic: 't', partition: 2, replicas: [3, 1] }];
  run(controller.handle({ type: 'ZkPartitionReassignment', reassignments: zk.reassignPartitions }));
  // t-1 names a broker that is not alive; t-2 only reorders its replicas and completes at once.
  assert.deepEqual(zk.reassignPartitions, [{ topic: 't', partition: 0, replicas: [2, 3] }]);
  assert.deepEqual(zk.topics.get('t')?.partitions.get(2), { replicas: [3, 1], addingReplicas: [], removingReplicas: [] });
  assert.deepEqual(zk.topics.get('t')?.partitions.get(0), { replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1] });
  run(controller.handle({ type: 'AlterIsr', requestId: 1, brokerId: 1, brokerEpoch: 101n, topics: [{ name: 't', partitions: [{ partitionIndex: 0, leaderEpoch: 1, newIsr: [1, 2, 3], currentIsrVersion: 1 }] }] }));
  assert.equal(zk.reassignPartitions, null);
  assert.deepEqual(zk.topics.get('t')?.partitions.get(0), { replicas: [2, 3], addingReplicas: [], removingReplicas: [] });
  // A znode request overtaken by the API: the partition leaves the znode when the API request arrives.
  zk.reassignPartitions = [{ topic: 't', partition: 1, replicas: [1, 3] }];
  run(controller.handle({ type: 'ZkPartitionReassignment', reassignments: zk.reassignPartitions }));
  run(controller.handle({ type: 'PartitionReassignment', requestId: 2, reassignments: [{ topic: 't', partition: 1, replicas: null }] }));
  assert.equal(zk.reassignPartitions, null);
  // Cancelled: the replicas less those being added, in the reassignment's order (as Kafka's originReplicas).
  assert.deepEqual(zk.topics.get('t')?.partitions.get(1), { replicas: [1, 2], addingReplicas: [], removingReplicas: [] });
  assert.deepEqual(zk.violations, []);
});

test('unclean election: only leaderless partitions are elected, from any live replica; none live is ELIGIBLE_LEADERS_NOT_AVAILABLE', () => {
  const { controller, zk, run } = setup();
  run(controller.handle({ type: 'TopicChange', topics: ['t'], assignments: [topicSnapshot('t', [[2, 3], [3], [1, 2]])] }));
  // 2 dies while 3 is out of the ISR of t-0: t-0 has no clean leader left, t-1 stays led by 3.
  run(controller.handle({ type: 'AlterIsr', requestId: 1, brokerId: 2, brokerEpoch: 102n, topics: [{ name: 't', partitions: [{ partitionIndex: 0, leaderEpoch: 0, newIsr: [2], currentIsrVersion: 0 }] }] }));
  run(controller.handle({ type: 'BrokerChange', brokers: [broker(1, 101n), broker(3, 103n)] }));
  assert.equal(zk.partitionStates.get('t:0')?.state.leader, -1);
  const effects = run(controller.handle({ type: 'UncleanReplicaElection', requestId: 2, partitions: [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }, { topic: 't', partition: 2 }, { topic: 'x', partition: 0 }] }));
  assert.deepEqual(effects.at(-1), { type: 'reply', requestId: 2, reply: { api: 'ElectLeaders', errorCode: 0, replicaElectionResults: [
    { topic: 't', partitionResult: [{ partitionId: 0, errorCode: 0, errorMessage: null }, { partitionId: 1, errorCode: Errors.ELECTION_NOT_NEEDED, errorMessage: null }, { partitionId: 2, errorCode: Errors.ELECTION_NOT_NEEDED, errorMessage: null }] },
    { topic: 'x', partitionResult: [{ partitionId: 0, errorCode: Errors.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'The partition does not exist.' }] },
  ] } });
  assert.deepEqual(zk.partitionStates.get('t:0')?.state, { leader: 3, leaderEpoch: 2, isr: [3], controllerEpoch: 5 });
  run(controller.handle({ type: 'BrokerChange', brokers: [broker(1, 101n)] }));
  const none = run(controller.handle({ type: 'UncleanReplicaElection', requestId: 3, partitions: [{ topic: 't', partition: 1 }] }));
  assert.deepEqual((none.at(-1) as { reply: { replicaElectionResults: unknown } }).reply.replicaElectionResults, [
    { topic: 't', partitionResult: [{ partitionId: 1, errorCode: Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE, errorMessage: 'Failed to elect leader for partition t-1 under strategy OfflinePartitionLeaderElectionStrategy(true)' }] },
  ]);
  assert.deepEqual(zk.violations, []);
});
