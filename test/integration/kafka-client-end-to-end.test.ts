// Producer, consumer and admin client against a real broker of ours. Each test needs APIs the broker may not
// serve yet: it is skipped, naming them, until the broker advertises them in ApiVersions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey } from '../../src/kafka/protocol/index.js';
import { KafkaAdmin, KafkaConsumer, KafkaProducer, TopicAlreadyExistsError, UnknownTopicOrPartitionError } from '../../src/kafka/client/index.js';
import { keyedPartition } from '../../src/kafka/client/producer/partitioner.js';
import { startOurKafka, type OurKafka } from '../support/our-kafka.js';

// Started at import so `skip` can read the broker's ApiVersions when the tests are declared.
const kafka: OurKafka = await startOurKafka(11);
after(() => kafka.stop());

const API_NAMES = new Map(Object.entries(ApiKey).map(([n, k]) => [k, n]));

function needs(...apiKeys: ApiKey[]): string | false {
  const missing = apiKeys.filter((k) => !kafka.supports(k));
  return missing.length === 0 ? false : `the broker does not advertise ${missing.map((k) => API_NAMES.get(k)).join(', ')} yet`;
}

const common = () => ({ bootstrapServers: kafka.bootstrap, clientId: 'e2e', retryBackoffMs: 20 });

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('admin: topics', { skip: needs(ApiKey.CreateTopics, ApiKey.DeleteTopics, ApiKey.CreatePartitions) }, () => {
  let admin: KafkaAdmin;
  before(() => {
    admin = new KafkaAdmin(common());
  });
  after(() => admin.close());

  test('create, list, describe, add partitions, delete', async () => {
    await admin.createTopics([{ name: 'admin-a', numPartitions: 2, replicationFactor: 1 }]);
    await assert.rejects(admin.createTopics([{ name: 'admin-a', numPartitions: 1, replicationFactor: 1 }]), TopicAlreadyExistsError);
    assert.ok((await admin.listTopics()).includes('admin-a'));
    const [t] = await waitFor('partition leaders', async () => {
      const d = await admin.describeTopics(['admin-a']);
      return d[0].partitions.every((p) => p.leader === 11) ? d : undefined;
    });
    assert.deepEqual(t.partitions.map((p) => [p.partition, p.replicas]), [[0, [11]], [1, [11]]]);
    await admin.createPartitions([{ topic: 'admin-a', count: 4 }]);
    await waitFor('4 partitions', async () => ((await admin.describeTopics(['admin-a']))[0].partitions.length === 4 ? true : undefined));
    await admin.deleteTopics(['admin-a']);
    await waitFor('deletion', async () => ((await admin.listTopics()).includes('admin-a') ? undefined : true));
    await assert.rejects(admin.describeTopics(['admin-a']), UnknownTopicOrPartitionError);
  });
});

describe('admin: configs', { skip: needs(ApiKey.CreateTopics, ApiKey.DescribeConfigs, ApiKey.IncrementalAlterConfigs) }, () => {
  test('describe and incrementally alter a topic config', async () => {
    const admin = new KafkaAdmin(common());
    try {
      await admin.createTopics([{ name: 'cfg-a', numPartitions: 1, replicationFactor: 1, configs: { 'retention.ms': '3600000' } }]);
      const before = await admin.describeConfigs({ type: 2, name: 'cfg-a' }, { keys: ['retention.ms'] });
      assert.equal(before.find((c) => c.name === 'retention.ms')?.value, '3600000');
      await admin.incrementalAlterConfigs({ type: 2, name: 'cfg-a' }, [{ name: 'retention.ms', op: 'SET', value: '7200000' }]);
      const after = await admin.describeConfigs({ type: 2, name: 'cfg-a' }, { keys: ['retention.ms'] });
      assert.equal(after.find((c) => c.name === 'retention.ms')?.value, '7200000');
    } finally {
      await admin.close();
    }
  });
});

describe('producer and assign-mode consumer', { skip: needs(ApiKey.Produce, ApiKey.Fetch, ApiKey.ListOffsets) }, () => {
  for (const compression of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
    test(`records produced with ${compression} come back in order with keys, headers and timestamps`, async () => {
      const topic = `e2e-${compression}`;
      const producer = new KafkaProducer({ ...common(), compression, lingerMs: 5 });
      const consumer = new KafkaConsumer({ ...common(), autoOffsetReset: 'earliest' });
      try {
        const sent = await Promise.all(
          Array.from({ length: 50 }, (_, i) => producer.send({ topic, partition: 0, key: `k${i}`, value: `v${i}`, headers: { n: String(i) }, timestamp: 1_700_000_000_000 + i })),
        );
        assert.deepEqual(sent.map((m) => m.offset), Array.from({ length: 50 }, (_, i) => BigInt(i)));
        consumer.assign([{ topic, partition: 0 }]);
        const got: string[] = [];
        const deadline = Date.now() + 10_000;
        while (got.length < 50 && Date.now() < deadline) {
          for (const r of await consumer.poll(500)) {
            got.push(`${r.offset}:${r.key}:${r.value}:${r.headers[0].value}:${r.timestamp}`);
          }
        }
        assert.deepEqual(got, Array.from({ length: 50 }, (_, i) => `${i}:k${i}:v${i}:${i}:${1_700_000_000_000 + i}`));
      } finally {
        await producer.close();
        await consumer.close();
      }
    });
  }

  test('keyed records go to the Java partition of their key; acks=0 sends without answers', async () => {
    const admin = new KafkaAdmin(common());
    const producer = new KafkaProducer({ ...common(), acks: 0 });
    try {
      await admin.createTopics([{ name: 'e2e-keys', numPartitions: 3, replicationFactor: 1 }]).catch(() => {});
      const md = await Promise.all(['a', 'b', 'c', 'd'].map((key) => producer.send({ topic: 'e2e-keys', key, value: key })));
      md.forEach((m, i) => {
        assert.equal(m.partition, keyedPartition(Buffer.from('abcd'[i]), 3));
        assert.equal(m.offset, -1n);
      });
      await producer.flush();
    } finally {
      await producer.close();
      await admin.close();
    }
  });

  test('a consumer starting at latest sees only later records', async () => {
    const producer = new KafkaProducer(common());
    const consumer = new KafkaConsumer({ ...common(), autoOffsetReset: 'latest' });
    try {
      await producer.send({ topic: 'e2e-latest', partition: 0, value: 'old' });
      consumer.assign([{ topic: 'e2e-latest', partition: 0 }]);
      await waitFor('position', async () => (await consumer.poll(50), consumer.position('e2e-latest', 0) ?? undefined));
      await producer.send({ topic: 'e2e-latest', partition: 0, value: 'new' });
      const values: string[] = [];
      await waitFor('new record', async () => {
        for (const r of await consumer.poll(200)) values.push(String(r.value));
        return values.length > 0 ? true : undefined;
      });
      assert.deepEqual(values, ['new']);
    } finally {
      await producer.close();
      await consumer.close();
    }
  });
});

describe('idempotent producer', { skip: needs(ApiKey.Produce, ApiKey.InitProducerId) }, () => {
  test('gets a producer id and numbers each partition\'s batches from 0', async () => {
    const producer = new KafkaProducer({ ...common(), idempotent: true });
    try {
      const md = await Promise.all(Array.from({ length: 10 }, (_, i) => producer.send({ topic: 'e2e-idem', partition: 0, value: String(i) })));
      assert.deepEqual(md.map((m) => m.offset), Array.from({ length: 10 }, (_, i) => BigInt(i)));
    } finally {
      await producer.close();
    }
  });
});

describe('admin: offsets and records', { skip: needs(ApiKey.Produce, ApiKey.ListOffsets, ApiKey.DeleteRecords) }, () => {
  test('listOffsets earliest/latest and deleteRecords moving the low watermark', async () => {
    const producer = new KafkaProducer(common());
    const admin = new KafkaAdmin(common());
    try {
      for (let i = 0; i < 5; i++) await producer.send({ topic: 'e2e-del', partition: 0, value: String(i) });
      const before = await admin.listOffsets([{ topic: 'e2e-del', partition: 0, spec: 'earliest' }]);
      assert.equal(before.get('e2e-del-0')!.offset, 0n);
      const low = await admin.deleteRecords([{ topic: 'e2e-del', partition: 0, offset: 3n }]);
      assert.equal(low.get('e2e-del-0'), 3n);
      const latest = await admin.listOffsets([{ topic: 'e2e-del', partition: 0, spec: 'latest' }]);
      assert.equal(latest.get('e2e-del-0')!.offset, 5n);
    } finally {
      await producer.close();
      await admin.close();
    }
  });
});

describe('admin: consumer groups', { skip: needs(ApiKey.FindCoordinator, ApiKey.OffsetCommit, ApiKey.OffsetFetch, ApiKey.ListGroups, ApiKey.DescribeGroups, ApiKey.DeleteGroups, ApiKey.OffsetDelete) }, () => {
  test('alter, list, delete offsets of an empty group; list, describe and delete the group', async () => {
    const admin = new KafkaAdmin(common());
    try {
      await admin.createTopics([{ name: 'e2e-grp', numPartitions: 2, replicationFactor: 1 }]).catch(() => {});
      await admin.alterConsumerGroupOffsets('g1', [{ topic: 'e2e-grp', partition: 0, offset: 5n }, { topic: 'e2e-grp', partition: 1, offset: 7n }]);
      assert.deepEqual((await admin.listConsumerGroupOffsets('g1')).map((o) => [o.topic, o.partition, o.offset]), [['e2e-grp', 0, 5n], ['e2e-grp', 1, 7n]]);
      await admin.deleteConsumerGroupOffsets('g1', [{ topic: 'e2e-grp', partitions: [1] }]);
      assert.deepEqual((await admin.listConsumerGroupOffsets('g1')).map((o) => o.partition), [0]);
      assert.ok((await admin.listGroups()).some((g) => g.groupId === 'g1'));
      const [d] = await admin.describeGroups(['g1']);
      assert.equal(d.state, 'Empty');
      await admin.deleteGroups(['g1']);
      assert.ok(!(await admin.listGroups()).some((g) => g.groupId === 'g1'));
    } finally {
      await admin.close();
    }
  });
});

test('describeCluster and listTopics work on a broker that has only Metadata', async () => {
  const admin = new KafkaAdmin(common());
  try {
    const d = await admin.describeCluster();
    assert.equal(d.clusterId, kafka.server.clusterId);
    assert.deepEqual(d.brokers.map((b) => b.nodeId), [11]);
    assert.ok(Array.isArray(await admin.listTopics()));
  } finally {
    await admin.close();
  }
});
