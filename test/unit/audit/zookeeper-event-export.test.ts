// The export observer on an in-process server, with an in-memory record sink: a multi's operations one by one
// (Apache's logMultiOperation) and a failed multi as one multiOperation failure, the digest user, a session that
// expires with its ephemeral node deleted, and the mntr keys of the queue.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sendFourLetterWord } from '../../../src/cli/four-letter-word.js';
import type { KafkaExportSettings } from '../../../src/config/zookeeper-kafka-export.js';
import { connectZooKeeper, OPEN_ACL_UNSAFE } from '../../../src/zookeeper/client/index.js';
import type { OutRecord } from '../../../src/zookeeper/audit/event-publisher.js';
import { ZooKeeperEventExport } from '../../../src/zookeeper/audit/zookeeper-event-export.js';
import { startOurZooKeeper, type OurZk } from '../../support/our-zk.js';
import { HiddenClient } from '../../support/hidden-client.js';

const settings: KafkaExportSettings = { bootstrapServers: ['unused:1'], auditTopic: 'audit', metricsTopic: 'metrics', metricsIntervalMs: 0, queueMax: 1000 };
let zk: OurZk;
let exporter: ZooKeeperEventExport;
const records: OutRecord[] = [];

before(async () => {
  zk = await startOurZooKeeper({ extraConfig: { tickTime: '200' } });
  exporter = new ZooKeeperEventExport(zk.running.server, {
    settings, version: 'test', log: () => {},
    connect: () => ({ send: async (batch) => void records.push(...batch), close: async () => {} }),
  });
  exporter.start();
});

after(async () => {
  await exporter?.stop(100);
  await zk?.stop();
});

async function audited(from: number, count: number): Promise<Record<string, unknown>[]> {
  for (let i = 0; i < 2000 && records.length < from + count; i++) await new Promise((r) => setTimeout(r, 5));
  return records.slice(from, from + count).map((r) => {
    assert.equal(r.topic, 'audit');
    const v = JSON.parse(r.value) as Record<string, unknown>;
    delete v['timestamp'];
    delete v['zxid'];
    delete v['serverId'];
    return v;
  });
}

test('a multi is audited op by op; a failed one as a single multiOperation failure; digest users by name', async () => {
  await audited(0, 1);
  const from = records.length;
  const client = await connectZooKeeper(zk.connectString);
  const s = `0x${client.sessionId.toString(16)}`;
  await client.addAuthInfo('digest', 'alice:secret');
  await client.transaction().create('/m', null).create('/m/s-', null, OPEN_ACL_UNSAFE, 'PERSISTENT_SEQUENTIAL').setData('/m', Buffer.from('x')).commit();
  await assert.rejects(client.transaction().create('/m2', null).delete('/missing').commit());
  await client.close();
  const who = { session: s, user: 'alice,127.0.0.1', ip: '127.0.0.1' };
  assert.deepEqual(await audited(from, 6), [
    { session: s, user: '127.0.0.1', ip: '127.0.0.1', operation: 'sessionCreated', result: 'success', timeoutMs: 4000 },
    { ...who, operation: 'create', znode: '/m', znode_type: 'persistent', result: 'success' },
    { ...who, operation: 'create', znode: '/m/s-0000000000', znode_type: 'persistent_sequential', result: 'success' },
    { ...who, operation: 'setData', znode: '/m', result: 'success' },
    { ...who, operation: 'multiOperation', result: 'failure' },
    { ...who, operation: 'sessionClosed', result: 'success' },
  ]);
});

test('an expired session: sessionExpired, then its ephemeral node deleted by the server', async () => {
  const hidden = await HiddenClient.open(zk.port, 400);
  const s = `0x${hidden.sessionId.toString(16)}`;
  await hidden.create('/eph', '', 1);
  hidden.destroy();
  // Delivery is asynchronous: wait for the last event of the session, then take all of its events.
  const values = () => records.map((r) => JSON.parse(r.value) as Record<string, unknown>).filter((v) => v['session'] === s);
  for (let i = 0; i < 2000 && !values().some((v) => v['znode'] === '/eph' && v['operation'] !== 'create'); i++) await new Promise((r) => setTimeout(r, 5));
  const events = values().map(({ timestamp, zxid, serverId, ...rest }) => rest);
  const user = events[2]?.['user'];
  assert.equal(typeof user, 'string');
  assert.deepEqual(events, [
    { session: s, user: '127.0.0.1', ip: '127.0.0.1', operation: 'sessionCreated', result: 'success', timeoutMs: 400 },
    { session: s, user: '127.0.0.1', ip: '127.0.0.1', operation: 'create', znode: '/eph', znode_type: 'ephemeral', result: 'success' },
    { session: s, user, operation: 'sessionExpired', result: 'success', timeoutMs: 400 },
    { session: s, user, operation: 'ephemeralZNodeDeletionOnSessionCloseOrExpire', znode: '/eph', result: 'success' },
  ]);
});

test('mntr reports the queue', async () => {
  const text = await sendFourLetterWord('127.0.0.1', zk.port, 'mntr', 5000);
  const keys = text.split('\n').filter((l) => l.startsWith('zk_zkafka_')).map((l) => l.split('\t')[0]);
  assert.deepEqual(keys, [
    'zk_zkafka_kafka_queue_max', 'zk_zkafka_kafka_queue_size', 'zk_zkafka_kafka_queue_high_water', 'zk_zkafka_kafka_events_enqueued',
    'zk_zkafka_kafka_events_dropped', 'zk_zkafka_kafka_records_sent', 'zk_zkafka_kafka_send_failures', 'zk_zkafka_kafka_delivering',
  ]);
  assert.match(text, /\nzk_zkafka_kafka_queue_max\t1000\n/);
  assert.match(text, /\nzk_zkafka_kafka_events_dropped\t0\n/);
});
