// The bench's raw server with appendFile stores every produce payload, whole and in order, and answers each request
// under its own correlation id, also when a request arrives split across reads or several in one.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { produceRequestTemplate, recordBatch, requestFrame } from '../../../bench/kafka/load-frames.js';
import { startRawServer } from '../../../bench/kafka/raw-server-process.js';

test('the storing raw server writes each produce payload to its file and answers every request', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-raw-server-'));
  const file = join(dir, 'append.bin');
  const server = await startRawServer({ topic: 't', partitions: 2, fetchPartitionBytes: 1024, fetchBatchRecords: 1, appendFile: file });
  const socket = connect(server.port, '127.0.0.1');
  try {
    const template = produceRequestTemplate('t', 2, recordBatch(20), 1);
    const frames = [101, 102, 103].map((id) => Buffer.concat(requestFrame(template, id)));
    const answers: number[] = [];
    let received = Buffer.alloc(0);
    const answered = new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('data', (d: Buffer) => {
        received = Buffer.concat([received, d]);
        while (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
          answers.push(received.readInt32BE(4));
          received = received.subarray(4 + received.readInt32BE(0));
          if (answers.length === frames.length) resolve();
        }
      });
    });
    // The first frame in two writes (split inside its payload), then the other two in one.
    socket.setNoDelay(true);
    const first = frames[0]!;
    await new Promise((r) => socket.write(first.subarray(0, 100), r));
    socket.write(first.subarray(100));
    socket.write(Buffer.concat(frames.slice(1)));
    await answered;
    assert.deepEqual(answers, [101, 102, 103]);
    // The file holds each frame after its 12-byte head (size, api key, version, correlation id), back to back.
    assert.ok(readFileSync(file).equals(Buffer.concat(frames.map((f) => f.subarray(12)))));
  } finally {
    socket.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
