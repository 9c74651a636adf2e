// The load generator as seen from the bench's main thread: one worker thread (kafka-load-worker.ts), one phase at
// a time, so the generator's event loop is its own and the main thread stays free to sample the servers.
import { Worker } from 'node:worker_threads';
import type { E2eCommand, E2eResult, LoadCommand, LoadReply, ProduceCommand, ConsumeCommand, ThroughputResult } from './kafka-load-worker.js';

const PHASE_TIMEOUT_MS = 120_000;

export class KafkaLoadGenerator {
  private readonly worker = new Worker(new URL('./kafka-load-worker.js', import.meta.url));

  run(cmd: ProduceCommand | ConsumeCommand): Promise<ThroughputResult>;
  run(cmd: E2eCommand): Promise<E2eResult>;
  run(cmd: LoadCommand): Promise<ThroughputResult | E2eResult> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.worker.off('message', onMessage);
        this.worker.off('error', onError);
      };
      const onMessage = (r: LoadReply) => {
        cleanup();
        if (r.type === 'error') reject(new Error(`load generator: ${r.message}`));
        else resolve(r);
      };
      const onError = (err: Error) => {
        cleanup();
        reject(err);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`load generator: ${cmd.type} on port ${cmd.port} did not finish within ${PHASE_TIMEOUT_MS} ms`));
      }, PHASE_TIMEOUT_MS);
      this.worker.on('message', onMessage);
      this.worker.on('error', onError);
      this.worker.postMessage(cmd);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
