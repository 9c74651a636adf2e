// The delivery loop against an in-memory sink: batches in order, a bounded queue that drops and counts while the
// sink fails, retries of the batch in hand, the report of dropped events once delivery works again, and a stop
// that does not wait for a sink that never answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedQueue } from '../../../src/zookeeper/audit/bounded-queue.js';
import { EventPublisher, type OutRecord, type RecordSink } from '../../../src/zookeeper/audit/event-publisher.js';

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), what);
}

type Item = { n: number } | { dropped: number; total: number };
const render = (item: Item): OutRecord => ({ topic: 't', key: null, value: JSON.stringify(item), timestamp: 0 });

test('the bounded queue drops beyond its capacity and counts', () => {
  const q = new BoundedQueue<number>(3);
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => q.offer(n)), [true, true, true, false, false]);
  assert.deepEqual([q.size, q.enqueued, q.dropped, q.highWater], [3, 3, 2, 3]);
  assert.deepEqual(q.take(2), [1, 2]);
  assert.ok(q.offer(6));
  assert.deepEqual(q.take(10), [3, 6]);
  assert.equal(q.size, 0);
});

test('while the sink fails, offers never wait and the excess is dropped; on recovery the drop report goes first', async () => {
  const delivered: string[] = [];
  let healthy = false;
  let connects = 0;
  const logs: string[] = [];
  const connect = (): RecordSink => {
    connects++;
    return {
      send: async (records) => {
        if (!healthy) throw new Error('connection refused');
        delivered.push(...records.map((r) => r.value));
      },
      close: async () => {},
    };
  };
  const p = new EventPublisher<Item>({
    queueMax: 4, connect, render, log: (l) => logs.push(l), batchMax: 2, lingerMs: 0, backoffMinMs: 1, backoffMaxMs: 4,
    droppedReport: (dropped, total) => ({ dropped, total }),
  });
  for (let n = 0; n < 10; n++) p.offer({ n });
  await until('a failed send', () => p.sendFailures >= 2);
  // The ten offers ran before the loop woke: four queued, six dropped; then two taken as the batch in hand.
  assert.deepEqual([p.queue.size, p.dropped, p.sent], [2, 6, 0]);
  assert.ok(connects >= 2, 'a new sink after each failure');
  healthy = true;
  await until('everything delivered', () => p.sent === 5);
  assert.deepEqual(delivered, [{ dropped: 6, total: 6 }, { n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }].map((x) => JSON.stringify(x)));
  assert.equal(logs[0], 'Kafka delivery of ZooKeeper events failed, retrying with backoff: connection refused');
  assert.deepEqual(logs.slice(1), ['Kafka delivery of ZooKeeper events resumed', 'Kafka delivery of ZooKeeper events: 6 events were dropped (queue full) since the last report, 6 in all']);
  p.offer({ n: 10 });
  await until('the next item', () => p.sent === 6);
  assert.equal(delivered.at(-1), JSON.stringify({ n: 10 }), 'no second report');
  await p.stop(1000);
});

test('stop() gives up on a sink that never answers after the grace period and closes it', async () => {
  let closed = 0;
  const p = new EventPublisher<Item>({
    queueMax: 10, render, log: () => {}, lingerMs: 0,
    connect: () => ({ send: () => new Promise<void>(() => {}), close: async () => void closed++ }),
  });
  p.offer({ n: 1 });
  await until('a send in flight', () => p.queue.size === 0);
  // The publisher's timers do not hold the process open (a server's sockets do): this one stands in for them.
  const keepAlive = setTimeout(() => {}, 10_000);
  await p.stop(20);
  clearTimeout(keepAlive);
  assert.equal(closed, 1);
  assert.equal(p.sent, 0);
});
