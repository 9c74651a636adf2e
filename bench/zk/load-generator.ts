// Spreads the sessions over worker threads, runs phases on all of them at once and merges their results.
import { Worker } from 'node:worker_threads';
import { Histogram } from './histogram.js';
import type { OpResult, WorkerCommand, WorkerConfig, WorkerReply } from './load-worker.js';
import { OPS, type OpName, type PhaseName } from './workload.js';

export interface LoadOptions {
  host: string;
  port: number;
  /** Client ports of an ensemble's members: sessions are spread over them round-robin. */
  ports?: number[];
  sessions: number;
  depth: number;
  workers: number;
  sessionTimeoutMs: number;
}

export interface OpStats {
  op: OpName;
  count: number;
  errors: number;
  firstError: number;
  hist: Histogram;
}

export interface PhaseResult {
  name: PhaseName;
  elapsedMs: number;
  ops: OpStats[];
}

const REPLY_TIMEOUT_MS = 90_000;

export class LoadGenerator {
  private constructor(private readonly workers: Worker[]) {}

  static async start(opts: LoadOptions): Promise<LoadGenerator> {
    const count = Math.max(1, Math.min(opts.workers, opts.sessions));
    const workers: Worker[] = [];
    for (let w = 0; w < count; w++) {
      const sessionIds: number[] = [];
      for (let s = w; s < opts.sessions; s += count) sessionIds.push(s);
      const workerData: WorkerConfig = { host: opts.host, port: opts.port, ...(opts.ports ? { ports: opts.ports } : {}), sessionIds, depth: opts.depth, sessionTimeoutMs: opts.sessionTimeoutMs };
      workers.push(new Worker(new URL('./load-worker.js', import.meta.url), { workerData }));
    }
    const gen = new LoadGenerator(workers);
    try {
      await gen.all({ type: 'connect' }, 'connected');
    } catch (err) {
      await gen.terminate();
      throw err;
    }
    return gen;
  }

  async runPhase(name: PhaseName, durationMs: number): Promise<PhaseResult> {
    const replies = await this.all({ type: 'phase', name, durationMs }, 'phaseDone');
    const ops: OpStats[] = OPS.map((op) => ({ op, count: 0, errors: 0, firstError: 0, hist: new Histogram() }));
    let elapsedMs = 0;
    for (const r of replies) {
      if (r.type !== 'phaseDone') continue;
      elapsedMs = Math.max(elapsedMs, r.elapsedMs);
      r.ops.forEach((o: OpResult, i) => {
        const m = ops[i]!;
        m.count += o.count;
        if (o.errors > 0 && m.errors === 0) m.firstError = o.firstError;
        m.errors += o.errors;
        m.hist.add(new Histogram(o.hist));
      });
    }
    return { name, elapsedMs, ops };
  }

  /** Closes every session (closeSession, then the socket) and stops the threads. */
  async close(): Promise<void> {
    try {
      await this.all({ type: 'close' }, 'closed');
    } finally {
      await this.terminate();
    }
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private all(cmd: WorkerCommand, expect: WorkerReply['type']): Promise<WorkerReply[]> {
    return Promise.all(
      this.workers.map(
        (w) =>
          new Promise<WorkerReply>((resolve, reject) => {
            const cleanup = () => {
              clearTimeout(timer);
              w.off('message', onMessage);
              w.off('error', onError);
            };
            const onMessage = (r: WorkerReply) => {
              if (r.type === 'error') {
                cleanup();
                reject(new Error(r.message));
              } else if (r.type === expect) {
                cleanup();
                resolve(r);
              }
            };
            const onError = (err: Error) => {
              cleanup();
              reject(err);
            };
            const timer = setTimeout(() => {
              cleanup();
              reject(new Error(`load generator: no '${expect}' from a worker within ${REPLY_TIMEOUT_MS} ms`));
            }, REPLY_TIMEOUT_MS);
            w.on('message', onMessage);
            w.on('error', onError);
            w.postMessage(cmd);
          }),
      ),
    );
  }
}
