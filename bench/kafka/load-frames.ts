// The Kafka frames the load generator sends and the raw servers answer with, built once with the project's codec:
// a record batch of 1 KiB records (CRC computed), Produce requests carrying one such batch per partition, Fetch
// requests, and the responses a raw server replays. A request or response is split into a small head holding the
// size and correlation id, rebuilt per send, and a body shared by every send.
import { ApiKey, encodeRequest, encodeResponse, decodeResponse } from '../../src/kafka/protocol/index.js';
import { buildRecordBatchSync } from '../../src/kafka/protocol/records/index.js';
import { BASE_OFFSET_POS, LAST_OFFSET_DELTA_POS, LENGTH_POS, LOG_OVERHEAD, RECORD_COUNT_POS } from '../../src/kafka/protocol/records/record-batch.js';
import { readInt64, writeInt64 } from '../../src/kafka/protocol/records/int64.js';

export const RECORD_VALUE_BYTES = 1024;
export const PRODUCE_VERSION = 7;
export const FETCH_VERSION = 11;
export const CLIENT_ID = 'bench';
/** size (4) + apiKey (2) + apiVersion (2) + correlationId (4). */
export const REQUEST_HEAD_BYTES = 12;
/** size (4) + correlationId (4): response header v0, which Produce v7 and Fetch v11 answer with. */
export const RESPONSE_HEAD_BYTES = 8;

/** One v2 batch of `records` records, null keys, 1 KiB values. */
export function recordBatch(records: number, now = Date.now()): Buffer {
  const value = Buffer.alloc(RECORD_VALUE_BYTES, 0x61);
  return buildRecordBatchSync(Array.from({ length: records }, () => ({ value })), { now });
}

/** The number of records whose batch stays within `bytes` (at least one). */
export function recordsPerBatch(bytes: number): number {
  const one = recordBatch(1).length;
  let n = Math.max(1, 1 + Math.floor((bytes - one) / (recordBatch(2).length - one)));
  // Later records are a byte or two longer (their offset and timestamp deltas take more varint bytes).
  while (n > 1 && recordBatch(n).length > bytes) n--;
  return n;
}

/** A frame split at `headBytes`: the head is copied and patched per send, the body is shared. */
export interface FrameTemplate {
  head: Buffer;
  body: Buffer;
  bytes: number;
}

function split(chunks: Buffer[], headBytes: number): FrameTemplate {
  const whole = Buffer.concat(chunks);
  return { head: whole.subarray(0, headBytes), body: whole.subarray(headBytes), bytes: whole.length };
}

/** The template's frame with this correlation id, as chunks for one corked write. */
export function requestFrame(t: FrameTemplate, correlationId: number): [Buffer, Buffer] {
  const head = Buffer.from(t.head);
  head.writeInt32BE(correlationId, 8);
  return [head, t.body];
}

export function responseFrame(t: FrameTemplate, correlationId: number): [Buffer, Buffer] {
  const head = Buffer.from(t.head);
  head.writeInt32BE(correlationId, 4);
  return [head, t.body];
}

export function produceRequestTemplate(topic: string, partitions: number, batch: Buffer, acks: number): FrameTemplate {
  return split(
    encodeRequest({ apiKey: ApiKey.Produce, apiVersion: PRODUCE_VERSION, correlationId: 0, clientId: CLIENT_ID }, {
      transactionalId: null, acks, timeoutMs: 30_000,
      topicData: [{ name: topic, partitionData: Array.from({ length: partitions }, (_, index) => ({ index, records: batch })) }],
    }),
    REQUEST_HEAD_BYTES,
  );
}

export function fetchRequest(correlationId: number, topic: string, offsets: readonly number[], partitionMaxBytes: number, maxBytes: number, maxWaitMs: number): Buffer[] {
  return encodeRequest({ apiKey: ApiKey.Fetch, apiVersion: FETCH_VERSION, correlationId, clientId: CLIENT_ID }, {
    replicaId: -1, maxWaitMs, minBytes: 1, maxBytes, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, rackId: '', forgottenTopicsData: [],
    topics: [{ topic, partitions: offsets.map((o, partition) => ({ partition, fetchOffset: BigInt(o), partitionMaxBytes, currentLeaderEpoch: -1, logStartOffset: -1n })) }],
  });
}

/** What a broker answers to a produce request of `partitions` partitions when all went well. */
export function produceResponseTemplate(topic: string, partitions: number): FrameTemplate {
  return split(
    encodeResponse(ApiKey.Produce, PRODUCE_VERSION, 0, {
      throttleTimeMs: 0,
      responses: [{ name: topic, partitionResponses: Array.from({ length: partitions }, (_, index) => ({ index, errorCode: 0, baseOffset: 0n, logAppendTimeMs: -1n, logStartOffset: 0n })) }],
    }),
    RESPONSE_HEAD_BYTES,
  );
}

/** A fetch response with `partitions` partitions, each holding whole copies of `batch` up to `partitionBytes`. */
export function fetchResponseTemplate(topic: string, partitions: number, partitionBytes: number, batch: Buffer): FrameTemplate {
  const copies = Math.max(1, Math.floor(partitionBytes / batch.length));
  const records = Buffer.concat(Array.from({ length: copies }, () => batch));
  const perBatch = records.readInt32BE(LAST_OFFSET_DELTA_POS) + 1;
  for (let i = 0, pos = 0; i < copies; i++, pos += batch.length) writeInt64(records, pos + BASE_OFFSET_POS, i * perBatch);
  return split(
    encodeResponse(ApiKey.Fetch, FETCH_VERSION, 0, {
      throttleTimeMs: 0, errorCode: 0, sessionId: 0,
      responses: [{ topic, partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({
        partitionIndex, errorCode: 0, highWatermark: BigInt(copies * perBatch), lastStableOffset: BigInt(copies * perBatch), logStartOffset: 0n, abortedTransactions: null, preferredReadReplica: -1, records,
      })) }],
    }),
    RESPONSE_HEAD_BYTES,
  );
}

/** The first partition error of a produce response (frame without its size), or 0. */
export function produceError(frame: Buffer): number {
  const { body } = decodeResponse(ApiKey.Produce, PRODUCE_VERSION, frame);
  for (const t of body.responses) for (const p of t.partitionResponses) if (p.errorCode !== 0) return p.errorCode;
  return 0;
}

export interface FetchTally {
  records: number;
  /** Bytes of whole record batches. */
  bytes: number;
  /** The first partition error, or 0. */
  error: number;
}

/**
 * Walks every partition's whole batches (a response may end with a partial one), counts records and bytes,
 * and moves `offsets[partition]` past the last whole batch; `onBatch` sees each batch's position.
 */
export function tallyFetch(frame: Buffer, offsets: number[], onBatch?: (records: Buffer, start: number, end: number) => void): FetchTally {
  const { body } = decodeResponse(ApiKey.Fetch, FETCH_VERSION, frame);
  const tally: FetchTally = { records: 0, bytes: 0, error: body.errorCode ?? 0 };
  for (const t of body.responses) {
    for (const p of t.partitions) {
      if (p.errorCode !== 0 && tally.error === 0) tally.error = p.errorCode;
      const r = p.records;
      if (r === null) continue;
      let pos = 0;
      while (pos + LOG_OVERHEAD <= r.length) {
        const end = pos + LOG_OVERHEAD + r.readInt32BE(pos + LENGTH_POS);
        if (end > r.length) break;
        tally.records += r.readInt32BE(pos + RECORD_COUNT_POS);
        offsets[p.partitionIndex] = readInt64(r, pos + BASE_OFFSET_POS) + r.readInt32BE(pos + LAST_OFFSET_DELTA_POS) + 1;
        onBatch?.(r, pos, end);
        pos = end;
      }
      tally.bytes += pos;
    }
  }
  return tally;
}
