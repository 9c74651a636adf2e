// Producer id blocks claimed in our ZooKeeper server, as Kafka 2.8 brokers claim them in /latest_producer_id_block.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProducerIdManager, ZooKeeperProducerIdBlockStore } from '../../../../src/kafka/broker/replica/producer-id-manager.js';
import { connectZooKeeper, type ZooKeeperClient } from '../../../../src/zookeeper/client/index.js';
import { startOurZooKeeper, type OurZk } from '../../../support/our-zk.js';

let zk: OurZk;
const clients: ZooKeeperClient[] = [];

before(async () => {
  zk = await startOurZooKeeper();
});

after(async () => {
  for (const c of clients) await c.close();
  await zk?.stop();
});

async function store(): Promise<ZooKeeperProducerIdBlockStore> {
  const c = await connectZooKeeper(zk.connectString);
  clients.push(c);
  return new ZooKeeperProducerIdBlockStore(c);
}

test('two brokers claiming blocks concurrently get disjoint ids; the znode holds the latest block in Kafka\'s JSON', async () => {
  const a = new ProducerIdManager(1, await store());
  const b = new ProducerIdManager(2, await store());
  const ids = await Promise.all([...Array.from({ length: 1500 }, () => a.generateProducerId()), ...Array.from({ length: 600 }, () => b.generateProducerId())]);
  assert.equal(new Set(ids).size, ids.length);
  const fromA = ids.slice(0, 1500);
  assert.deepEqual(fromA.slice(0, 3).map((id) => id % 1000n), [0n, 1n, 2n]);
  const { data, stat } = await clients[0]!.getData('/latest_producer_id_block');
  assert.equal(stat.version, 2);
  const latest = JSON.parse(data!.toString());
  assert.deepEqual(Object.keys(latest), ['version', 'broker', 'block_start', 'block_end']);
  assert.equal(latest.block_end, '2999');
  // A restarted broker never reuses an id: it claims the next block.
  const again = new ProducerIdManager(1, await store());
  assert.equal(await again.generateProducerId(), 3000n);
});

test('an existing empty znode (created at broker start-up as Kafka does) starts the first block at 0', async () => {
  await clients[0]!.delete('/latest_producer_id_block');
  await clients[0]!.create('/latest_producer_id_block', null);
  const m = new ProducerIdManager(7, await store());
  assert.equal(await m.generateProducerId(), 0n);
  const { data } = await clients[0]!.getData('/latest_producer_id_block');
  assert.equal(data!.toString(), '{"version":1,"broker":7,"block_start":"0","block_end":"999"}');
});
