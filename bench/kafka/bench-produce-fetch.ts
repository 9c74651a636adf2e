// Produce and fetch through our broker against the floor of the same traffic done raw, in the same run.
//   broker:   Produce v7 (acks=1, one 16 KiB batch per request, PIPELINE requests in flight on one connection) into
//             one partition, then Fetch v11 of everything back in 1 MiB responses.
//   baseline: a bare TCP server over one file: each produce frame's bytes written at the file's end with one
//             positional write and answered with a 16-byte frame; each fetch answered with one positional 1 MiB read.
// Both servers run in this process with the same client code; rounds alternate and the ratio is the median.
//   node dist/bench/kafka/bench-produce-fetch.js      (KAFKA_BENCH_REQUESTS, KAFKA_BENCH_ROUNDS to change the size)
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { closeFile, openFile, readAt, writeAt } from '../../src/kafka/storage/file-io.js';
import { ApiKey, encodeRequest } from '../../src/kafka/protocol/index.js';
import { buildRecordBatchSync } from '../../src/kafka/protocol/records/index.js';
import { startDataBroker } from '../../test/support/data-broker.js';
import { startOurZooKeeper } from '../../test/support/our-zk.js';
import { connect, type Socket as NetSocket } from 'node:net';

const REQUESTS = Number(process.env['KAFKA_BENCH_REQUESTS'] ?? 3000);
const ROUNDS = Number(process.env['KAFKA_BENCH_ROUNDS'] ?? 3);
const PIPELINE = 32;
const FETCH_BYTES = 1 << 20;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const batch = buildRecordBatchSync(Array.from({ length: 16 }, (_, i) => ({ key: `key-${i}`, value: Buffer.alloc(1000, 97 + (i % 26)) })), { now: 1_700_000_000_000 });

/** A client connection that keeps received chunks in a list and joins them once per whole frame. */
class BenchClient {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private onFrame: ((f: Buffer) => void) | null = null;

  private constructor(private readonly socket: NetSocket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  static open(port: number): Promise<BenchClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => resolve(new BenchClient(socket)));
      socket.once('error', reject);
    });
  }

  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.buffered < 4) return;
      const head = this.chunks[0]!.length >= 4 ? this.chunks[0]! : Buffer.concat(this.chunks);
      const size = 4 + head.readInt32BE(0);
      if (this.buffered < size) return;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      this.chunks = all.length > size ? [all.subarray(size)] : [];
      this.buffered -= size;
      this.onFrame?.(all.subarray(0, size));
    }
  }

  /** Sends `frame(i)` for i < count keeping PIPELINE unanswered; resolves with the bytes received once all are in. */
  pipelined(count: number, frame: (i: number) => Buffer, onAnswer?: (f: Buffer) => void): Promise<number> {
    return new Promise((resolve) => {
      let sent = 0;
      let received = 0;
      let bytes = 0;
      this.onFrame = (f) => {
        bytes += f.length;
        onAnswer?.(f);
        if (++received === count) return resolve(bytes);
        if (sent < count) this.socket.write(frame(sent++));
      };
      while (sent < Math.min(PIPELINE, count)) this.socket.write(frame(sent++));
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}

interface Side {
  name: string;
  port: number;
  produceFrame(i: number): Buffer;
  /** The next fetch request, or null when everything was read. */
  fetchFrame(): Buffer | null;
  onFetchAnswer(f: Buffer): void;
  reset(): Promise<void>;
}

async function runSide(side: Side): Promise<{ produceMs: number; fetchMs: number; fetchedBytes: number }> {
  await side.reset();
  const sock = await BenchClient.open(side.port);
  try {
    let start = performance.now();
    await sock.pipelined(REQUESTS, (i) => side.produceFrame(i));
    const produceMs = performance.now() - start;
    start = performance.now();
    let fetchedBytes = 0;
    for (let f = side.fetchFrame(); f !== null; f = side.fetchFrame()) {
      fetchedBytes += await sock.pipelined(1, () => f, (a) => side.onFetchAnswer(a));
    }
    return { produceMs, fetchMs: performance.now() - start, fetchedBytes };
  } finally {
    sock.destroy();
  }
}

/** The floor: one write per produce frame, one read per fetch, tiny answers. */
async function rawServer(file: string): Promise<{ server: Server; port: number; reset: () => Promise<void> }> {
  let fd = await openFile(file, 'w+');
  let end = 0;
  const answer = Buffer.alloc(20);
  answer.writeInt32BE(16, 0);
  const server = createServer((socket: Socket) => {
    let pending: Buffer = Buffer.alloc(0);
    let chain: Promise<void> = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(4, 4 + pending.readInt32BE(0));
        pending = pending.subarray(4 + frame.length);
        chain = chain.then(async () => {
          if (frame.readInt16BE(0) === 0) {
            const position = end;
            end += frame.length;
            await writeAt(fd, frame, 0, frame.length, position);
            socket.write(answer);
          } else {
            const from = Number(frame.readBigInt64BE(8));
            const buf = Buffer.allocUnsafe(4 + FETCH_BYTES);
            const n = await readAt(fd, buf, 4, Math.min(FETCH_BYTES, end - from), from);
            buf.writeInt32BE(n, 0);
            socket.write(buf.subarray(0, 4 + n));
          }
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { server, port, reset: async () => { await closeFile(fd); fd = await openFile(file, 'w+'); end = 0; } };
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'kafka-bench-pf-'));
  const topics = Array.from({ length: ROUNDS + 1 }, (_, i) => ({ name: `bench-${i}`, partitions: 1, config: { log: { segmentBytes: 256 << 20 } } }));
  const zk = await startOurZooKeeper();
  const broker = await startDataBroker({ topics, zkConnect: zk.connectString, logDir: path.join(root, 'broker') });
  const raw = await rawServer(path.join(root, 'raw.log'));
  try {
    const produceFor = (topic: string) => {
      let correlationId = 0;
      return () => Buffer.concat(encodeRequest({ apiKey: ApiKey.Produce, apiVersion: 7, correlationId: ++correlationId, clientId: 'bench' }, {
        transactionalId: null, acks: 1, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
      }));
    };
    let round = 0;
    const brokerSide = (): Side => {
      const topic = `bench-${round}`;
      let offset = 0n;
      let done = false;
      const produce = produceFor(topic);
      return {
        name: 'broker', port: broker.port, produceFrame: produce, reset: async () => {},
        fetchFrame: () => done ? null : Buffer.concat(encodeRequest({ apiKey: ApiKey.Fetch, apiVersion: 11, correlationId: 1, clientId: 'bench' }, {
          replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: FETCH_BYTES, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, rackId: '', forgottenTopicsData: [],
          topics: [{ topic, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: FETCH_BYTES, currentLeaderEpoch: -1, logStartOffset: -1n }] }],
        })),
        onFetchAnswer: (f) => {
          // Only the position matters here: every batch holds 16 records and the response ends with whole batches.
          const records = Math.floor((f.length - 100) / batch.length) * 16;
          if (records <= 0) done = true;
          offset += BigInt(records);
        },
      };
    };
    const rawSide = (): Side => {
      let position = 0n;
      let done = false;
      const produce = produceFor('raw');
      return {
        name: 'raw', port: raw.port, produceFrame: produce, reset: raw.reset,
        fetchFrame: () => {
          if (done) return null;
          const f = Buffer.alloc(20);
          f.writeInt32BE(16, 0);
          f.writeInt16BE(1, 4);
          f.writeBigInt64BE(position, 12);
          return f;
        },
        onFetchAnswer: (f) => {
          if (f.length <= 4) done = true;
          position += BigInt(f.length - 4);
        },
      };
    };
    const produced = REQUESTS * batch.length;
    process.stdout.write(`${REQUESTS} produce requests of one ${batch.length}-byte batch (${(produced / 1048576).toFixed(1)} MiB), ${PIPELINE} in flight; fetched back in ${FETCH_BYTES >> 20} MiB responses\n`);
    await runSide(brokerSide());
    round++;
    await runSide(rawSide());
    const ratios = { produce: [] as number[], fetch: [] as number[] };
    for (let r = 0; r < ROUNDS; r++, round++) {
      const b = await runSide(brokerSide());
      const w = await runSide(rawSide());
      const mbps = (bytes: number, ms: number) => (bytes / 1048576 / (ms / 1000)).toFixed(0);
      process.stdout.write(
        `round ${r + 1}: produce broker ${mbps(produced, b.produceMs)} MiB/s raw ${mbps(produced, w.produceMs)} MiB/s | ` +
        `fetch broker ${mbps(b.fetchedBytes, b.fetchMs)} MiB/s raw ${mbps(w.fetchedBytes, w.fetchMs)} MiB/s\n`,
      );
      ratios.produce.push(b.produceMs / w.produceMs);
      ratios.fetch.push(b.fetchMs / b.fetchedBytes / (w.fetchMs / w.fetchedBytes));
    }
    process.stdout.write(`median time ratio broker/raw: produce ${median(ratios.produce).toFixed(2)}x, fetch ${median(ratios.fetch).toFixed(2)}x (per byte)\n`);
  } finally {
    raw.server.close();
    await broker.stop();
    await zk.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
