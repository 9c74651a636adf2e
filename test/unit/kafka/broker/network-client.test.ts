// The broker's own network client (what a follower fetches with) against a socket server that answers pipelined
// Fetch requests with responses cut at arbitrary points: inside a size prefix, several frames in one chunk, a large
// frame over many small chunks. Each request gets its own response, records byte for byte.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { BrokerNetworkClient } from '../../../../src/kafka/broker/network-client.js';
import { ApiKey, encodeResponse } from '../../../../src/kafka/protocol/index.js';

const FETCH_VERSION = 12;

/** Records of `bytes` bytes, each the low byte of `seed + position`: any shift or mix-up shows. */
function records(seed: number, bytes: number): Buffer {
  const b = Buffer.allocUnsafe(bytes);
  for (let i = 0; i < bytes; i++) b[i] = (seed + i) & 0xff;
  return b;
}

/** Sizes of records answered to the n-th request: the third is large enough to arrive in many reads. */
const SIZES = [10, 0, 3 * 1024 * 1024 + 7, 1, 70_000];

function fetchResponse(correlationId: number): Buffer {
  return Buffer.concat(encodeResponse(ApiKey.Fetch, FETCH_VERSION, correlationId, {
    throttleTimeMs: 0, errorCode: 0, sessionId: 0,
    responses: [{
      topic: 't',
      partitions: [{
        partitionIndex: 0, errorCode: 0, highWatermark: BigInt(correlationId), lastStableOffset: 0n, logStartOffset: 0n,
        abortedTransactions: null, preferredReadReplica: -1, records: records(correlationId, SIZES[correlationId % SIZES.length]!),
      }],
    }],
  }));
}

/** Writes `data` in pieces of the given sizes (cycled), each its own write after a turn of the event loop. */
async function writeInPieces(socket: Socket, data: Buffer, pieces: readonly number[]): Promise<void> {
  for (let pos = 0, i = 0; pos < data.length; i++) {
    const n = Math.min(pieces[i % pieces.length]!, data.length - pos);
    socket.write(data.subarray(pos, pos + n));
    pos += n;
    await new Promise((r) => setImmediate(r));
  }
}

let server: Server;
let port: number;

before(async () => {
  // Collects each batch of pipelined requests, then answers them all as one byte stream cut into odd pieces.
  server = createServer((socket) => {
    let inbox = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      inbox = Buffer.concat([inbox, chunk]);
      const ids: number[] = [];
      while (inbox.length >= 4 && inbox.length >= 4 + inbox.readInt32BE(0)) {
        ids.push(inbox.readInt32BE(8));
        inbox = inbox.subarray(4 + inbox.readInt32BE(0));
      }
      if (ids.length > 0) void writeInPieces(socket, Buffer.concat(ids.map(fetchResponse)), [2, 1, 5, 65_536, 3, 200_000, 1]);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function fetch(client: BrokerNetworkClient) {
  return client.send(ApiKey.Fetch, FETCH_VERSION, {
    replicaId: 1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 30, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: 't', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: 0n, partitionMaxBytes: 1 << 30 }] }],
    forgottenTopicsData: [], rackId: '',
  });
}

test('pipelined responses cut anywhere, a 3 MiB one over many reads: each request gets its own, byte for byte', async () => {
  const client = new BrokerNetworkClient('127.0.0.1', port, 'network-client-test', 30_000);
  try {
    // The first request opens the connection; the next ones are sent back to back and answered in one stream.
    const first = await fetch(client);
    assert.equal(first.responses[0]!.partitions[0]!.highWatermark, 0n);
    const responses = await Promise.all([1, 2, 3, 4, 5, 6].map(() => fetch(client)));
    responses.forEach((r, i) => {
      const id = i + 1;
      const p = r.responses[0]!.partitions[0]!;
      assert.equal(p.highWatermark, BigInt(id), `response ${id} answers request ${id}`);
      assert.ok(p.records!.equals(records(id, SIZES[id % SIZES.length]!)), `records of response ${id}`);
    });
  } finally {
    client.close();
  }
});

test('a caller that recycles gets its next large responses read into the buffer of the earlier ones, each byte for byte', async () => {
  const recycling = new BrokerNetworkClient('127.0.0.1', port, 'network-client-test', 30_000);
  const fresh = new BrokerNetworkClient('127.0.0.1', port, 'network-client-test', 30_000);
  try {
    const backing = async (client: BrokerNetworkClient, recycle: boolean) => {
      const large: ArrayBufferLike[] = [];
      // Correlation ids 0..12, one at a time: ids 2, 7 and 12 are answered with 3 MiB of records.
      for (let id = 0; id <= 12; id++) {
        const p = (await fetch(client)).responses[0]!.partitions[0]!;
        assert.equal(p.highWatermark, BigInt(id));
        assert.ok(p.records!.equals(records(id, SIZES[id % SIZES.length]!)), `records of response ${id}`);
        if (p.records!.length > 1024 * 1024) large.push(p.records!.buffer);
        if (recycle) client.recycleFrames();
      }
      return large;
    };
    const reused = await backing(recycling, true);
    assert.equal(reused.length, 3);
    assert.equal(new Set(reused).size, 1, 'every large response after the first recycling reuses one buffer');
    const allocated = await backing(fresh, false);
    assert.equal(new Set(allocated).size, 3, 'without recycling every large response has a buffer of its own');
  } finally {
    recycling.close();
    fresh.close();
  }
});
