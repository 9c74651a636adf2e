// The server's counters and summaries under Apache's metric names, for `mntr`. The server feeds it the events it
// has (reads, applied writes, latencies, responses, received bytes); metrics of stages it does not have
// (quorum, commit processor, throttling, response cache, JVM) keep their empty values, which is what they are.
import { OpCode } from '../../jute/constants.js';
import type { MultiOp, MultiResult } from '../../jute/protocol-frames.js';
import type { TxnResult } from '../../tree/data-tree.js';
import { javaHashSetOrder } from '../../tree/java-hash-order.js';
import type { Txn, TxnBody } from '../../tree/txn.js';
import { COUNTERS, PERCENTILE_SUMMARIES, SUMMARIES, SUMMARY_SETS, type CounterName, type SummaryName } from './metric-keys.js';
import { Summary, type MetricSink } from './summary.js';

/** DataTree.STAT_OVERHEAD_BYTES: what Apache adds per read to the bytes of the path and the data. */
const STAT_OVERHEAD_BYTES = 6 * 8 + 5 * 4;

/** PathUtils.getTopNamespace: the first component of a (valid) path; none for "/". */
function topNamespace(path: string | null | undefined): string | null {
  if (!path || path.length < 2) return null;
  const end = path.indexOf('/', 1);
  return end === -1 ? path.slice(1) : path.slice(1, end);
}

/** ConcurrentHashMap iteration order of keys that were only ever added: 16 slots, doubled at 3/4 full. */
export function concurrentHashMapOrder(keys: string[]): string[] {
  let capacity = 16;
  while (keys.length >= capacity * 0.75) capacity *= 2;
  return javaHashSetOrder(keys, capacity);
}

class SummarySet {
  readonly byKey = new Map<string, Summary>();

  add(key: string, value: number): void {
    let s = this.byKey.get(key);
    if (!s) this.byKey.set(key, (s = new Summary(false)));
    s.add(value);
  }

  reset(): void {
    for (const s of this.byKey.values()) s.reset();
  }

  dump(name: string, sink: MetricSink): void {
    for (const key of concurrentHashMapOrder([...this.byKey.keys()])) this.byKey.get(key)!.dump(`${key}_${name}`, sink);
  }
}

/** Every summary by its Apache name, and the per-namespace ones by name and namespace (for the Prometheus page). */
export interface SummaryVisitor {
  summary(name: SummaryName, s: Summary): void;
  summarySet(name: (typeof SUMMARY_SETS)[number], byKey: ReadonlyMap<string, Summary>): void;
}

export class ServerMetrics {
  private readonly counters = new Map<CounterName, number>(COUNTERS.map((name) => [name, 0]));
  private readonly summaries = new Map<SummaryName, Summary>([
    ...SUMMARIES.map((name) => [name, new Summary(false)] as const),
    ...PERCENTILE_SUMMARIES.map((name) => [name, new Summary(true)] as const),
  ]);
  private readonly sets = { read_per_namespace: new SummarySet(), write_per_namespace: new SummarySet() };
  /** BufferStats of client responses: -1 until the first response. */
  lastResponseBytes = -1;
  minResponseBytes = -1;
  maxResponseBytes = -1;
  /** ServerStats' auth failure count: `srst` leaves it alone, as Apache does. */
  authFailedCount = 0;
  /**
   * Set when zoo.cfg names Apache's PrometheusMetricsProvider: mntr then dumps the provider's samples (`name{labels}`
   * and a double) as Apache's provider does, instead of the default provider's avg_/min_/max_/cnt_/sum_ keys.
   */
  prometheus: { exportProcessInfo: boolean } | undefined;

  count(name: CounterName, n = 1): void {
    this.counters.set(name, this.counters.get(name)! + n);
  }

  summary(name: SummaryName): Summary {
    return this.summaries.get(name)!;
  }

  /** Apache's ServerMetrics.resetAll plus the response-size stats (what `srst` clears). */
  reset(): void {
    for (const name of this.counters.keys()) this.counters.set(name, 0);
    for (const s of this.summaries.values()) s.reset();
    this.sets.read_per_namespace.reset();
    this.sets.write_per_namespace.reset();
    this.lastResponseBytes = this.minResponseBytes = this.maxResponseBytes = -1;
  }

  // ---- events ----

  /** A request was answered after `latencyMs`; writes are the requests that went through the txn log. */
  onLatency(isWrite: boolean, latencyMs: number): void {
    if (latencyMs < 0) return;
    this.summary(isWrite ? 'updatelatency' : 'readlatency').add(latencyMs);
  }

  /**
   * A frame of `bytes` (after its length prefix) went to a client. Apache's response_bytes counts only replies of
   * the request pipeline (not pings, auth replies or notifications); the size stats count every frame.
   */
  onResponse(bytes: number, pipelineReply: boolean): void {
    this.lastResponseBytes = bytes;
    if (this.minResponseBytes === -1 || bytes < this.minResponseBytes) this.minResponseBytes = bytes;
    if (bytes > this.maxResponseBytes) this.maxResponseBytes = bytes;
    if (pipelineReply) this.count('response_bytes', bytes);
  }

  /** A frame (length prefix included) or a four-letter word arrived. */
  onReceived(bytes: number): void {
    this.count('bytes_received_count', bytes);
  }

  /** A successful read: Apache counts getData, exists and getChildren per namespace (path + data + stat overhead). */
  onRead(type: number, body: unknown, value: unknown): void {
    switch (type) {
      case OpCode.getData:
      case OpCode.exists:
      case OpCode.getChildren:
      case OpCode.getChildren2: {
        this.readStat(type, (body as { path?: string | null } | null)?.path, value);
        return;
      }
      case OpCode.multiRead: {
        const ops = body as MultiOp[];
        const results = value as MultiResult[];
        ops.forEach((op, i) => {
          if (results[i]?.err === 0) this.readStat(op.type, (op.request as { path?: string | null }).path, results[i]!.response);
        });
      }
    }
  }

  private readStat(type: number, path: string | null | undefined, value: unknown): void {
    const ns = topNamespace(path);
    if (ns === null) return;
    let bytes = 0;
    if (type === OpCode.getData) bytes = (value as { data: Buffer | null }).data?.length ?? 0;
    else if (type === OpCode.getChildren || type === OpCode.getChildren2) {
      for (const child of (value as { children: (string | null)[] }).children) bytes += child?.length ?? 0;
    }
    this.sets.read_per_namespace.add(ns, path!.length + bytes + STAT_OVERHEAD_BYTES);
  }

  /** An applied transaction: Apache counts node creations and data changes per namespace (path + data). */
  onApplied(txn: Txn, result: TxnResult): void {
    this.writeStat(txn.body, result);
  }

  private writeStat(body: TxnBody, result: TxnResult): void {
    switch (body.type) {
      case OpCode.create:
      case OpCode.create2:
      case OpCode.createContainer:
      case OpCode.createTTL:
      case OpCode.setData: {
        // A failed multi reports its untouched ops as type error with err 0.
        if (result.err !== 0 || result.type === OpCode.error) return;
        const path = body.record.path;
        const ns = topNamespace(path);
        if (ns !== null) this.sets.write_per_namespace.add(ns, path!.length + (body.record.data?.length ?? 0));
        return;
      }
      case OpCode.multi:
        body.record.txns.forEach((sub, i) => {
          const r = result.multi?.[i];
          if (r) this.writeStat(sub, r);
        });
    }
  }

  dumpCounters(sink: MetricSink): void {
    for (const [name, value] of this.counters) sink(name, String(value));
  }

  /** The counters by name, in mntr order. */
  counterValues(): ReadonlyMap<CounterName, number> {
    return this.counters;
  }

  visitSummaries(visitor: SummaryVisitor): void {
    for (const [name, s] of this.summaries) visitor.summary(name, s);
    for (const name of SUMMARY_SETS) visitor.summarySet(name, this.sets[name].byKey);
  }

  dumpSummaries(sink: MetricSink): void {
    for (const [name, s] of this.summaries) s.dump(name, sink);
    for (const name of SUMMARY_SETS) this.sets[name].dump(name, sink);
  }
}
