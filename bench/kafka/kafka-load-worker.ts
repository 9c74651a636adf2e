// The load generator's thread: speaks the Kafka protocol over raw sockets with frames built once (load-frames.ts).
//   produce: one Produce request template (one batch per partition), resent with a new correlation id, `inflight`
//            requests outstanding on one connection, for a fixed time;
//   consume: sequential Fetch requests from offset 0 on one connection, as a consumer with one fetch in flight;
//            responses tallied as they stream in (fetch-stream-tally.ts), never gathered;
//   e2e:     from the log's end, a producer at a fixed record rate (acks=1 unless given, one batch per timer tick stamped with its send time) and a
//            long-polling consumer on another connection; latency is send → received by the consumer, per record.
//            With latencyOf 'ack' there is no consumer and latency is send → produce response (against the raw
//            server: the machine's own round-trip tail at that rate).
// The same code drives the broker and the raw server, so the two differ only in the server.
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { buildRecordBatchSync } from '../../src/kafka/protocol/records/index.js';
import { RECORD_COUNT_POS, RECORDS_POS } from '../../src/kafka/protocol/records/record-batch.js';
import { RecordCursor, RecordReader } from '../../src/kafka/protocol/records/record-reader.js';
import { Histogram } from '../zk/histogram.js';
import { FetchStreamTally } from './fetch-stream-tally.js';
import { ApiKey, decodeResponse } from '../../src/kafka/protocol/index.js';
import { FETCH_VERSION, fetchRequest, produceError, produceRequestTemplate, recordBatch, RECORD_VALUE_BYTES, requestFrame, tallyFetch } from './load-frames.js';

export interface ProduceCommand {
  type: 'produce';
  port: number;
  topic: string;
  partitions: number;
  batchRecords: number;
  acks: number;
  inflight: number;
  warmupMs: number;
  durationMs: number;
}

export interface ConsumeCommand {
  type: 'consume';
  port: number;
  topic: string;
  partitions: number;
  partitionMaxBytes: number;
  maxBytes: number;
  warmupMs: number;
  durationMs: number;
  /** Stop at the first fetch that returns no records (the end of a real log). */
  stopAtEnd: boolean;
}

export interface E2eCommand {
  type: 'e2e';
  port: number;
  topic: string;
  recordsPerSec: number;
  warmupMs: number;
  durationMs: number;
  maxWaitMs: number;
  latencyOf: 'consumer' | 'ack';
  /** The producer's acks (default 1). */
  acks?: number;
}

export type LoadCommand = ProduceCommand | ConsumeCommand | E2eCommand;

export interface ThroughputResult {
  type: 'throughput';
  records: number;
  /** Record-batch bytes moved (what the log stores), without request framing. */
  bytes: number;
  requests: number;
  elapsedMs: number;
  errors: number;
  firstError: number;
}

export interface E2eResult {
  type: 'e2e';
  produced: number;
  received: number;
  elapsedMs: number;
  errors: number;
  firstError: number;
  /** Histogram counts (µs), for the records sent after the warm-up. */
  hist: Float64Array;
}

export type LoadReply = ThroughputResult | E2eResult | { type: 'error'; message: string };

const MAX_RESPONSE_BYTES = 512 * 1024 * 1024;
const E2E_DRAIN_MS = 10_000;
const E2E_MAX_BATCH_RECORDS = 500;

/**
 * Joins response frames in one buffer reused for every frame, grown to the largest seen; a frame whole inside a
 * received chunk is passed as a view of it. A frame is only valid during its callback. (A new buffer per large
 * frame costs the kernel a fresh page for every 4 KiB of it, which made the generator the bottleneck of 32 MiB
 * fetch responses.)
 */
class FrameAssembler {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private have = 0;

  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.have === 0 && chunk.length - pos >= 4) {
        const end = pos + 4 + chunk.readInt32BE(pos);
        if (end <= chunk.length) {
          onFrame(chunk.subarray(pos + 4, end));
          pos = end;
          continue;
        }
      }
      const want = this.have < 4 ? 4 : 4 + this.buf.readInt32BE(0);
      if (want > MAX_RESPONSE_BYTES) throw new Error(`response of ${want} bytes is over the ${MAX_RESPONSE_BYTES}-byte cap`);
      if (want > this.buf.length) {
        const grown = Buffer.allocUnsafe(want);
        this.buf.copy(grown, 0, 0, this.have);
        this.buf = grown;
      }
      const n = Math.min(want - this.have, chunk.length - pos);
      chunk.copy(this.buf, this.have, pos, pos + n);
      this.have += n;
      pos += n;
      if (this.have >= 4 && this.have === 4 + this.buf.readInt32BE(0)) {
        this.have = 0;
        onFrame(this.buf.subarray(4, 4 + this.buf.readInt32BE(0)));
      }
    }
  }
}

/** One connection: frames out as corked chunk lists, whole response frames in, in order. */
class Conn {
  onFrame: (frame: Buffer) => void = () => {};
  /** Set to take the received bytes as they come instead of whole frames. */
  onBytes: ((chunk: Buffer) => void) | null = null;
  private readonly frames = new FrameAssembler();

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => (this.onBytes ? this.onBytes(chunk) : this.frames.push(chunk, (f) => this.onFrame(f))));
  }

  static open(port: number, onError: (err: Error) => void): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => {
        socket.off('error', reject);
        socket.on('error', onError);
        resolve(new Conn(socket));
      });
      socket.once('error', reject);
    });
  }

  send(chunks: readonly Buffer[]): void {
    this.socket.cork();
    for (const c of chunks) this.socket.write(c);
    this.socket.uncork();
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * Counts the responses after the warm-up: the window opens at the first response received after it, and counts
 * the responses after that one, up to the last. A run too short for that is counted whole, from its start.
 */
class Window {
  private start: { at: number; records: number; bytes: number; requests: number } | null = null;
  records = 0;
  bytes = 0;
  requests = 0;
  errors = 0;
  firstError = 0;

  constructor(private readonly warmupEnd: number) {}

  add(records: number, bytes: number, error: number): void {
    this.records += records;
    this.bytes += bytes;
    this.requests++;
    if (error !== 0) {
      if (this.errors === 0) this.firstError = error;
      this.errors++;
    }
    if (this.start === null && performance.now() >= this.warmupEnd) this.start = { at: performance.now(), records: this.records, bytes: this.bytes, requests: this.requests };
  }

  result(t0: number): ThroughputResult {
    const end = performance.now();
    const s = this.start !== null && this.requests > this.start.requests ? this.start : { at: t0, records: 0, bytes: 0, requests: 0 };
    return {
      type: 'throughput', records: this.records - s.records, bytes: this.bytes - s.bytes, requests: this.requests - s.requests,
      elapsedMs: end - s.at, errors: this.errors, firstError: this.firstError,
    };
  }
}

async function produce(cmd: ProduceCommand): Promise<ThroughputResult> {
  const batch = recordBatch(cmd.batchRecords);
  const template = produceRequestTemplate(cmd.topic, cmd.partitions, batch, cmd.acks);
  return new Promise((resolve, reject) => {
    void Conn.open(cmd.port, reject).then((conn) => {
      const t0 = performance.now();
      const deadline = t0 + cmd.warmupMs + cmd.durationMs;
      const win = new Window(t0 + cmd.warmupMs);
      let correlationId = 0;
      let inflight = 0;
      let stopping = false;
      const pump = () => {
        while (!stopping && inflight < cmd.inflight) {
          conn.send(requestFrame(template, ++correlationId));
          inflight++;
        }
      };
      conn.onFrame = (frame) => {
        inflight--;
        win.add(cmd.batchRecords * cmd.partitions, batch.length * cmd.partitions, produceError(frame));
        if (performance.now() >= deadline) stopping = true;
        if (stopping && inflight === 0) {
          const result = win.result(t0);
          conn.close();
          resolve(result);
        } else {
          pump();
        }
      };
      pump();
    }, reject);
  });
}

async function consume(cmd: ConsumeCommand): Promise<ThroughputResult> {
  return new Promise((resolve, reject) => {
    void Conn.open(cmd.port, reject).then((conn) => {
      const offsets = new Array<number>(cmd.partitions).fill(0);
      const t0 = performance.now();
      const deadline = t0 + cmd.warmupMs + cmd.durationMs;
      const win = new Window(t0 + cmd.warmupMs);
      let correlationId = 0;
      const next = () => conn.send(fetchRequest(++correlationId, cmd.topic, offsets, cmd.partitionMaxBytes, cmd.maxBytes, 0));
      const responses = new FetchStreamTally(offsets, (tally) => {
        win.add(tally.records, tally.bytes, tally.error);
        if (performance.now() >= deadline || (cmd.stopAtEnd && tally.records === 0) || tally.error !== 0) {
          const result = win.result(t0);
          conn.close();
          resolve(result);
        } else {
          next();
        }
      });
      conn.onBytes = (chunk) => {
        try {
          responses.push(chunk);
        } catch (err) {
          conn.close();
          reject(err as Error);
        }
      };
      next();
    }, reject);
  });
}

async function endToEnd(cmd: E2eCommand): Promise<E2eResult> {
  const hist = new Histogram();
  const value = Buffer.alloc(RECORD_VALUE_BYTES, 0x61);
  const cursor = new RecordCursor();
  return new Promise((resolve, reject) => {
    void Promise.all([Conn.open(cmd.port, reject), Conn.open(cmd.port, reject)]).then(([producer, consumer]) => {
      // Set when the producer starts.
      let t0 = performance.now();
      let measureFrom = t0 + cmd.warmupMs;
      let stopAt = measureFrom + cmd.durationMs;
      const start = () => {
        t0 = performance.now();
        measureFrom = t0 + cmd.warmupMs;
        stopAt = measureFrom + cmd.durationMs;
        tick();
      };
      let produced = 0;
      let received = 0;
      let errors = 0;
      let firstError = 0;
      let correlationId = 0;
      let producing = true;
      let drainTimer: NodeJS.Timeout | undefined;
      const offsets = [0];
      const fail = (code: number) => {
        if (errors++ === 0) firstError = code;
      };
      const finish = () => {
        clearTimeout(drainTimer);
        producer.close();
        consumer.close();
        resolve({ type: 'e2e', produced, received, elapsedMs: performance.now() - t0, errors, firstError, hist: hist.counts });
      };

      /** Send time and record count of each produce request not yet answered (ack mode). */
      const unanswered: [number, number][] = [];
      producer.onFrame = (frame) => {
        const code = produceError(frame);
        if (code !== 0) fail(code);
        if (cmd.latencyOf !== 'ack') return;
        const [sentAt, count] = unanswered.shift()!;
        if (sentAt >= measureFrom) hist.record((performance.now() - sentAt) * 1000, count);
        received += count;
        if (!producing && received >= produced) finish();
      };
      const tick = () => {
        const now = performance.now();
        if (now >= stopAt) {
          producing = false;
          drainTimer = setTimeout(finish, E2E_DRAIN_MS);
          return;
        }
        // The send time rides in every record's value; the consumer reads it from each batch's first record.
        value.writeDoubleBE(now, 0);
        // After a stall the records due are sent at once, in batches that stay under the broker's message.max.bytes.
        for (let due = Math.floor(((now - t0) * cmd.recordsPerSec) / 1000) - produced; due > 0; ) {
          const count = Math.min(due, E2E_MAX_BATCH_RECORDS);
          const batch = buildRecordBatchSync(Array.from({ length: count }, () => ({ value })));
          producer.send(requestFrame(produceRequestTemplate(cmd.topic, 1, batch, cmd.acks ?? 1), ++correlationId));
          if (cmd.latencyOf === 'ack') unanswered.push([now, count]);
          produced += count;
          due -= count;
        }
        setTimeout(tick, 1);
      };

      const fetchNext = () => consumer.send(fetchRequest(++correlationId, cmd.topic, offsets, 1024 * 1024, 50 * 1024 * 1024, cmd.maxWaitMs));
      const onFetched = (frame: Buffer) => {
        const arrived = performance.now();
        const tally = tallyFetch(frame, offsets, (r, start, end) => {
          const count = r.readInt32BE(start + RECORD_COUNT_POS);
          const reader = new RecordReader(r, count, start + RECORDS_POS, end);
          reader.next(cursor);
          const sentAt = r.readDoubleBE(cursor.valueStart);
          // Records in the log from before this run (a warm-up's) carry no send time of it: read past, not counted.
          if (!(sentAt >= t0 && sentAt <= arrived)) return;
          received += count;
          if (sentAt >= measureFrom) hist.record((arrived - sentAt) * 1000, count);
        });
        if (tally.error !== 0) fail(tally.error);
        if (!producing && received >= produced) finish();
        else fetchNext();
      };
      if (cmd.latencyOf !== 'consumer') {
        start();
        return;
      }
      // The consumer starts at the log's end: records of earlier runs would have it catch up on them, 1 MiB a fetch,
      // while this run's records wait behind them.
      consumer.onFrame = (frame) => {
        const { body } = decodeResponse(ApiKey.Fetch, FETCH_VERSION, frame);
        const p = body.responses[0]?.partitions[0];
        if ((body.errorCode ?? 0) !== 0 || p === undefined || p.errorCode !== 0) {
          fail(body.errorCode || (p?.errorCode ?? -1));
          finish();
          return;
        }
        offsets[0] = Number(p.highWatermark);
        consumer.onFrame = onFetched;
        fetchNext();
        start();
      };
      consumer.send(fetchRequest(++correlationId, cmd.topic, offsets, 1, 1, 0));
    }, reject);
  });
}

const port = parentPort!;
port.on('message', (cmd: LoadCommand) => {
  const run = cmd.type === 'produce' ? produce(cmd) : cmd.type === 'consume' ? consume(cmd) : endToEnd(cmd);
  run.then(
    (result) => port.postMessage(result satisfies LoadReply),
    (err: Error) => port.postMessage({ type: 'error', message: err.stack ?? String(err) } satisfies LoadReply),
  );
});
