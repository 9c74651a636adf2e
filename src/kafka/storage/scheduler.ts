// Time and background work are injected: the log asks a Clock for the time and a Scheduler to run deferred
// deletion, retention and flushes, so tests drive both by hand and nothing in the log starts a timer itself.

export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

export interface Scheduler {
  /** Runs `task` after `delayMs`, then every `periodMs` after each run finishes when given. Returns a cancel function. */
  schedule(name: string, task: () => Promise<void> | void, delayMs: number, periodMs?: number): () => void;
}

/** A Scheduler on Node timers. Runs of one periodic task never overlap; failures go to `onError`. */
export class TimerScheduler implements Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly onError: (name: string, err: unknown) => void) {}

  schedule(name: string, task: () => Promise<void> | void, delayMs: number, periodMs?: number): () => void {
    let cancelled = false;
    let timer: NodeJS.Timeout;
    const arm = (ms: number) => {
      timer = setTimeout(run, Math.min(ms, 0x7fffffff));
      timer.unref();
      this.timers.add(timer);
    };
    const run = async () => {
      this.timers.delete(timer);
      try {
        await task();
      } catch (err) {
        this.onError(name, err);
      }
      if (!cancelled && periodMs !== undefined && periodMs > 0) arm(periodMs);
    };
    arm(delayMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  shutdown(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

interface ManualTask {
  name: string;
  task: () => Promise<void> | void;
  dueMs: number;
  periodMs?: number;
  cancelled: boolean;
}

/** A Clock and Scheduler moved by hand: `advance` runs due tasks in time order, awaiting each. */
export class ManualScheduler implements Scheduler, Clock {
  private tasks: ManualTask[] = [];

  constructor(private now = 0) {}

  nowMs(): number {
    return this.now;
  }

  schedule(name: string, task: () => Promise<void> | void, delayMs: number, periodMs?: number): () => void {
    const t: ManualTask = { name, task, dueMs: this.now + delayMs, periodMs, cancelled: false };
    this.tasks.push(t);
    return () => {
      t.cancelled = true;
    };
  }

  /** Names of the tasks still waiting, in due order. */
  pending(): string[] {
    return this.tasks.filter((t) => !t.cancelled).sort((a, b) => a.dueMs - b.dueMs).map((t) => t.name);
  }

  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    for (;;) {
      this.tasks = this.tasks.filter((t) => !t.cancelled);
      const next = this.tasks.filter((t) => t.dueMs <= target).sort((a, b) => a.dueMs - b.dueMs)[0];
      if (!next) break;
      this.now = Math.max(this.now, next.dueMs);
      if (next.periodMs !== undefined && next.periodMs > 0) next.dueMs += next.periodMs;
      else next.cancelled = true;
      await next.task();
    }
    this.now = target;
  }
}
