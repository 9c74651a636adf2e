// What a pure coordinator (group or transaction) needs from the broker around it: requests that wait for an answer
// a later effect gives (by request id), and one scheduler task at the coordinator's earliest deadline.
import type { Scheduler } from '../../storage/scheduler.js';
import { CloseConnection } from '../handler.js';

/** Requests waiting for their answer, by request id. */
export class PendingAnswers<A> {
  private readonly waiting = new Map<number, { resolve: (answer: A) => void; reject: (err: Error) => void }>();
  private nextRequestId = 1;

  get size(): number {
    return this.waiting.size;
  }

  /** Runs `call` with a fresh request id; resolves with the answer given for that id (now or later). */
  request<R extends A>(call: (requestId: number) => void): Promise<R> {
    const requestId = this.nextRequestId++;
    const answer = new Promise<R>((resolve, reject) => this.waiting.set(requestId, { resolve: resolve as (answer: A) => void, reject }));
    try {
      call(requestId);
    } catch (err) {
      this.waiting.delete(requestId);
      return Promise.reject(err);
    }
    return answer;
  }

  answer(requestId: number, answer: A): void {
    const waiter = this.waiting.get(requestId);
    this.waiting.delete(requestId);
    waiter?.resolve(answer);
  }

  /** The request will never be answered (Kafka drops it too). */
  forget(requestId: number): void {
    this.waiting.delete(requestId);
  }

  /** Every waiting request fails with a closed connection. */
  closeAll(reason: string): void {
    for (const { reject } of this.waiting.values()) reject(new CloseConnection(reason));
    this.waiting.clear();
  }
}

/**
 * One scheduler task at the coordinator's earliest deadline. When it fires, `onDeadline` runs the coordinator's tick;
 * a tick reports a deadline only when it changed, so one still pending (`nextDeadline`) is re-armed here.
 */
export class DeadlineTask {
  private cancel: (() => void) | undefined;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly name: string,
    private readonly nowMs: () => number,
    private readonly onDeadline: () => void,
    private readonly nextDeadline: () => number | null,
  ) {}

  arm(deadlineMs: number | null): void {
    this.stop();
    if (deadlineMs === null) return;
    this.cancel = this.scheduler.schedule(this.name, () => {
      this.cancel = undefined;
      this.onDeadline();
      if (this.cancel === undefined) this.arm(this.nextDeadline());
    }, Math.max(0, deadlineMs - this.nowMs()));
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }
}
