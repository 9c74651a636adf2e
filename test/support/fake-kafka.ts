// A small in-memory Kafka broker for client unit tests (as franz-go's kfake): ApiVersions, Metadata, Produce,
// Fetch, ListOffsets, InitProducerId and a few admin APIs, with a hook to answer any request with an error.
// It checks idempotent sequences as a broker does (a duplicate is DUPLICATE_SEQUENCE_NUMBER, a gap
// OUT_OF_ORDER_SEQUENCE_NUMBER) so client ordering and retry logic can be observed.
import { createServer, type Server, type Socket } from 'node:net';
import { ApiKey, decodeRequest, encodeResponse } from '../../src/kafka/protocol/index.js';
import { RecordBatchView, recordBatches } from '../../src/kafka/protocol/records/index.js';
import { FrameDecoder } from '../../src/kafka/client/network/frame-decoder.js';

export interface FakePartition {
  batches: Buffer[];
  endOffset: number;
  /** Next expected sequence per producer id. */
  sequences: Map<number, number>;
}

/** 'drop': never answer; 'close': handle the request, then close the connection instead of answering. */
export type Interceptor = (apiKey: number, version: number, body: any) => 'drop' | 'close' | ((response: any) => any) | undefined;

const VERSIONS: [number, number, number][] = [
  [ApiKey.Produce, 3, 9],
  [ApiKey.Fetch, 4, 12],
  [ApiKey.ListOffsets, 1, 7],
  [ApiKey.Metadata, 1, 9],
  [ApiKey.ApiVersions, 0, 3],
  [ApiKey.InitProducerId, 0, 4],
  [ApiKey.CreateTopics, 0, 5],
  [ApiKey.DeleteTopics, 0, 4],
  [ApiKey.CreatePartitions, 0, 2],
  [ApiKey.DeleteRecords, 0, 2],
  [ApiKey.FindCoordinator, 0, 3],
  [ApiKey.OffsetCommit, 0, 7],
  [ApiKey.OffsetFetch, 1, 7],
  [ApiKey.OffsetDelete, 0, 0],
  [ApiKey.ListGroups, 0, 3],
];

export class FakeKafka {
  readonly topics = new Map<string, FakePartition[]>();
  readonly requests: { apiKey: number; version: number; body: any }[] = [];
  /** Committed offsets: group → "topic-partition" → offset. */
  readonly groups = new Map<string, Map<string, bigint>>();
  intercept: Interceptor | undefined;
  private nextProducerId = 1000;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly nodeId: number,
  ) {}

  static async start(nodeId = 1): Promise<FakeKafka> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = new FakeKafka(server, (server.address() as { port: number }).port, nodeId);
    server.on('connection', (s) => fake.serve(s));
    return fake;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  createTopic(name: string, partitions: number): void {
    this.topics.set(name, Array.from({ length: partitions }, () => ({ batches: [], endOffset: 0, sequences: new Map() })));
  }

  /** Values of the records stored in a partition, in offset order. */
  async values(topic: string, partition: number): Promise<string[]> {
    const { readRecords } = await import('../../src/kafka/protocol/records/index.js');
    const out: string[] = [];
    for (const b of this.topics.get(topic)![partition].batches) for (const r of await readRecords(new RecordBatchView(b, 0))) out.push(String(r.value));
    return out;
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    const decoder = new FrameDecoder(100 * 1024 * 1024);
    // Answers go out in request order, as a broker's do.
    let chain = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        const { header, body } = decodeRequest(frame);
        const { requestApiKey: apiKey, requestApiVersion: version, correlationId } = header;
        this.requests.push({ apiKey, version, body });
        const hook = this.intercept?.(apiKey, version, body);
        const answer = hook === 'drop' ? undefined : this.handle(apiKey, version, body);
        chain = chain.then(async () => {
          let response = await answer;
          if (hook === 'close') return void socket.destroy();
          if (response === undefined) return;
          if (typeof hook === 'function') response = hook(response);
          if (!socket.destroyed) socket.write(Buffer.concat(encodeResponse(apiKey as ApiKey, version, correlationId, response)));
        });
      }
    });
  }

  private handle(apiKey: number, version: number, body: any): Promise<any> | any {
    switch (apiKey) {
      case ApiKey.ApiVersions:
        return { errorCode: 0, apiKeys: VERSIONS.map(([k, min, max]) => ({ apiKey: k, minVersion: min, maxVersion: max })), throttleTimeMs: 0 };
      case ApiKey.Metadata:
        return this.metadata(body);
      case ApiKey.InitProducerId:
        return { throttleTimeMs: 0, errorCode: 0, producerId: BigInt(this.nextProducerId++), producerEpoch: 0 };
      case ApiKey.Produce:
        return this.produce(body);
      case ApiKey.Fetch:
        return this.fetch(body);
      case ApiKey.ListOffsets:
        return this.listOffsets(body);
      case ApiKey.CreateTopics:
        return {
          throttleTimeMs: 0,
          topics: body.topics.map((t: any) => {
            if (this.topics.has(t.name)) return { name: t.name, errorCode: 36, errorMessage: `Topic '${t.name}' already exists.` };
            this.createTopic(t.name, t.numPartitions < 0 ? 1 : t.numPartitions);
            return { name: t.name, errorCode: 0, errorMessage: null };
          }),
        };
      case ApiKey.DeleteTopics:
        return { throttleTimeMs: 0, responses: body.topicNames.map((name: string) => ({ name, errorCode: this.topics.delete(name) ? 0 : 3 })) };
      case ApiKey.CreatePartitions:
        return {
          throttleTimeMs: 0,
          results: body.topics.map((t: any) => {
            const parts = this.topics.get(t.name);
            if (parts === undefined) return { name: t.name, errorCode: 3, errorMessage: null };
            if (t.count <= parts.length) return { name: t.name, errorCode: 37, errorMessage: `Topic currently has ${parts.length} partitions, which is higher than the requested ${t.count}.` };
            while (parts.length < t.count) parts.push({ batches: [], endOffset: 0, sequences: new Map() });
            return { name: t.name, errorCode: 0, errorMessage: null };
          }),
        };
      case ApiKey.DeleteRecords:
        return {
          throttleTimeMs: 0,
          topics: body.topics.map((t: any) => ({ name: t.name, partitions: t.partitions.map((p: any) => ({ partitionIndex: p.partitionIndex, lowWatermark: p.offset, errorCode: 0 })) })),
        };
      case ApiKey.FindCoordinator:
        return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: this.nodeId, host: '127.0.0.1', port: this.port };
      case ApiKey.OffsetCommit: {
        const g = this.groups.get(body.groupId) ?? new Map<string, bigint>();
        this.groups.set(body.groupId, g);
        for (const t of body.topics) for (const p of t.partitions) g.set(`${t.name}-${p.partitionIndex}`, p.committedOffset);
        return { throttleTimeMs: 0, topics: body.topics.map((t: any) => ({ name: t.name, partitions: t.partitions.map((p: any) => ({ partitionIndex: p.partitionIndex, errorCode: 0 })) })) };
      }
      case ApiKey.OffsetFetch: {
        const g = this.groups.get(body.groupId) ?? new Map<string, bigint>();
        const byTopic = new Map<string, any[]>();
        for (const [key, offset] of g) {
          const at = key.lastIndexOf('-');
          const topic = key.slice(0, at);
          byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partitionIndex: Number(key.slice(at + 1)), committedOffset: offset, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }]);
        }
        return { throttleTimeMs: 0, errorCode: 0, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) };
      }
      case ApiKey.OffsetDelete: {
        const g = this.groups.get(body.groupId);
        for (const t of body.topics) for (const p of t.partitions) g?.delete(`${t.name}-${p.partitionIndex}`);
        return { errorCode: g === undefined ? 69 : 0, throttleTimeMs: 0, topics: body.topics.map((t: any) => ({ name: t.name, partitions: t.partitions.map((p: any) => ({ partitionIndex: p.partitionIndex, errorCode: 0 })) })) };
      }
      case ApiKey.ListGroups:
        return { throttleTimeMs: 0, errorCode: 0, groups: [...this.groups.keys()].map((groupId) => ({ groupId, protocolType: 'consumer' })) };
      default:
        throw new Error(`fake broker: api ${apiKey} not served`);
    }
  }

  private metadata(body: any): any {
    const names: string[] = body.topics === null ? [...this.topics.keys()] : body.topics.map((t: any) => t.name);
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: this.nodeId, host: '127.0.0.1', port: this.port, rack: null }],
      clusterId: 'fake-cluster',
      controllerId: this.nodeId,
      topics: names.map((name) => {
        const parts = this.topics.get(name);
        if (parts === undefined) return { errorCode: 3, name, isInternal: false, partitions: [] };
        return {
          errorCode: 0,
          name,
          isInternal: false,
          partitions: parts.map((_, i) => ({ errorCode: 0, partitionIndex: i, leaderId: this.nodeId, leaderEpoch: 0, replicaNodes: [this.nodeId], isrNodes: [this.nodeId], offlineReplicas: [] })),
        };
      }),
    };
  }

  private produce(body: any): any {
    const responses = body.topicData.map((t: any) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p: any) => ({ index: p.index, ...this.append(t.name, p.index, p.records) })),
    }));
    return body.acks === 0 ? undefined : { responses, throttleTimeMs: 0 };
  }

  private append(topic: string, partition: number, records: Buffer): { errorCode: number; baseOffset: bigint; logAppendTimeMs: bigint; logStartOffset: bigint } {
    const p = this.topics.get(topic)?.[partition];
    const fail = (errorCode: number) => ({ errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n });
    if (p === undefined) return fail(3);
    const base = p.endOffset;
    for (const view of recordBatches(records)) {
      if (view.producerId >= 0) {
        const expected = p.sequences.get(view.producerId) ?? 0;
        if (view.baseSequence < expected) return fail(46);
        if (view.baseSequence > expected) return fail(45);
        p.sequences.set(view.producerId, view.baseSequence + view.recordCount);
      }
      const copy = Buffer.from(records.subarray(view.start, view.end));
      new RecordBatchView(copy, 0).setBaseOffset(p.endOffset);
      p.batches.push(copy);
      p.endOffset += view.lastOffsetDelta + 1;
    }
    return { errorCode: 0, baseOffset: BigInt(base), logAppendTimeMs: -1n, logStartOffset: 0n };
  }

  private async fetch(body: any): Promise<any> {
    const answer = () =>
      body.topics.map((t: any) => ({
        topic: t.topic,
        partitions: t.partitions.map((q: any) => {
          const p = this.topics.get(t.topic)?.[q.partition];
          if (p === undefined) return { partitionIndex: q.partition, errorCode: 3, highWatermark: -1n, records: null };
          const from = Number(q.fetchOffset);
          if (from > p.endOffset) return { partitionIndex: q.partition, errorCode: 1, highWatermark: BigInt(p.endOffset), records: null };
          const chosen: Buffer[] = [];
          let bytes = 0;
          for (const b of p.batches) {
            const v = new RecordBatchView(b, 0);
            if (v.nextOffset <= from) continue;
            if (chosen.length > 0 && bytes + b.length > q.partitionMaxBytes) break;
            chosen.push(b);
            bytes += b.length;
          }
          return { partitionIndex: q.partition, errorCode: 0, highWatermark: BigInt(p.endOffset), lastStableOffset: BigInt(p.endOffset), logStartOffset: 0n, abortedTransactions: null, records: Buffer.concat(chosen) };
        }),
      }));
    let responses = answer();
    const empty = responses.every((t: any) => t.partitions.every((p: any) => p.records === null || p.records.length === 0));
    if (empty) {
      await new Promise((r) => setTimeout(r, Math.min(body.maxWaitMs, 200)));
      responses = answer();
    }
    return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses };
  }

  private listOffsets(body: any): any {
    return {
      throttleTimeMs: 0,
      topics: body.topics.map((t: any) => ({
        name: t.name,
        partitions: t.partitions.map((q: any) => {
          const p = this.topics.get(t.name)?.[q.partitionIndex];
          if (p === undefined) return { partitionIndex: q.partitionIndex, errorCode: 3, timestamp: -1n, offset: -1n };
          return { partitionIndex: q.partitionIndex, errorCode: 0, timestamp: -1n, offset: q.timestamp === -2n ? 0n : BigInt(p.endOffset), leaderEpoch: 0 };
        }),
      })),
    };
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
