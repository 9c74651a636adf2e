// The bench's raw server with appendFile stores every produce payload, whole and in order, and answers each request
// under its own correlation id, also when a request arrives split across reads or several in one. With replicateTo it
// answers only once both raw followers have stored the payload too.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { produceRequestTemplate, recordBatch, requestFrame } from '../../../bench/kafka/load-frames.js';
import { startRawFollower, startRawServer } from '../../../bench/kafka/raw-server-process.js';
import { waitFor } from '../../support/kafka-broker-process.js';

/** Produce frames of two partitions; `records` per batch (300 makes pieces over 64 KiB, written through the pool). */
const frames = (ids: number[], records = 20) => {
  const template = produceRequestTemplate('t', 2, recordBatch(records), 1);
  return ids.map((id) => Buffer.concat(requestFrame(template, id)));
};
/** What a storing server's file holds after `sent`: each frame after its 12-byte head, back to back. */
const payloads = (sent: Buffer[]) => Buffer.concat(sent.map((f) => f.subarray(12)));

/** The correlation ids of the responses on `socket`, in order. */
function answers(socket: Socket): number[] {
  const ids: number[] = [];
  let received = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => {
    received = Buffer.concat([received, d]);
    while (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
      ids.push(received.readInt32BE(4));
      received = received.subarray(4 + received.readInt32BE(0));
    }
  });
  return ids;
}

test('the storing raw server writes each produce payload to its file and answers every request', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-raw-server-'));
  const file = join(dir, 'append.bin');
  const server = await startRawServer({ topic: 't', partitions: 2, fetchPartitionBytes: 1024, fetchBatchRecords: 1, appendFile: file });
  const socket = connect(server.port, '127.0.0.1');
  try {
    const sent = [...frames([101, 102, 103]), ...frames([104, 105], 300)];
    const ids = answers(socket);
    // The first frame in two writes (split inside its payload), then the other two in one, then two large ones.
    socket.setNoDelay(true);
    const first = sent[0]!;
    await new Promise((r) => socket.write(first.subarray(0, 100), r));
    socket.write(first.subarray(100));
    socket.write(Buffer.concat(sent.slice(1, 3)));
    socket.write(Buffer.concat(sent.slice(3)));
    await waitFor('five answers', () => ids.length === 5);
    assert.deepEqual(ids, [101, 102, 103, 104, 105]);
    assert.ok(readFileSync(file).equals(payloads(sent)));
  } finally {
    socket.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the replicating raw server answers a produce once both raw followers have stored it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-raw-replication-'));
  const files = ['leader', 'follower-1', 'follower-2'].map((n) => join(dir, `${n}.bin`));
  const followers = await Promise.all(files.slice(1).map((appendFile) => startRawFollower({ appendFile })));
  const server = await startRawServer({
    topic: 't', partitions: 2, fetchPartitionBytes: 1024, fetchBatchRecords: 1, appendFile: files[0], replicateTo: followers.map((f) => f.port),
  });
  const socket = connect(server.port, '127.0.0.1');
  const stopped = followers[1]!;
  try {
    socket.setNoDelay(true);
    const ids = answers(socket);
    const sent = [...frames([201]), ...frames([202], 300)];
    socket.write(sent[0]!);
    await waitFor('the first answer', () => ids.length === 1);

    // With one follower stopped, the second frame is stored by the leader but not answered.
    process.kill(stopped.pid, 'SIGSTOP');
    socket.write(sent[1]!);
    await waitFor('the leader storing the second frame', () => statSync(files[0]!).size === payloads(sent).length);
    await waitFor('the running follower storing the second frame', () => statSync(files[1]!).size === payloads(sent).length);
    assert.deepEqual(ids, [201]);
    process.kill(stopped.pid, 'SIGCONT');
    await waitFor('the second answer', () => ids.length === 2);
    assert.deepEqual(ids, [201, 202]);
    for (const f of files) assert.ok(readFileSync(f).equals(payloads(sent)), f);
  } finally {
    process.kill(stopped.pid, 'SIGCONT');
    socket.destroy();
    await server.stop();
    await Promise.all(followers.map((f) => f.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
});
