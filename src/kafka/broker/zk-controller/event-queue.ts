// The controller's single FIFO queue (Kafka's ControllerEventManager): every event — election, watch firing, API
// request, broker response — runs to completion before the next starts, so the state machine never sees two at once.

export interface QueuedTask {
  run(): Promise<void>;
  /** Called instead of run() when the task is discarded (session expiry, shutdown): API requests answer then. */
  drop?(): void;
}

export class ControllerEventQueue {
  private tasks: QueuedTask[] = [];
  private running = false;
  private stopped = false;
  private idle: Promise<void> = Promise.resolve();
  private resolveIdle: (() => void) | null = null;

  constructor(private readonly onError: (err: unknown) => void) {}

  get size(): number {
    return this.tasks.length;
  }

  put(task: QueuedTask): void {
    if (this.stopped) {
      task.drop?.();
      return;
    }
    this.tasks.push(task);
    this.pump();
  }

  /** Kafka's clearAndPut: drops what is waiting (telling each), then queues `task` alone. */
  clearAndPut(task: QueuedTask): void {
    const dropped = this.tasks;
    this.tasks = [];
    for (const t of dropped) t.drop?.();
    this.put(task);
  }

  /** Drops what is waiting and resolves once the running task (if any) has finished; nothing runs afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    const dropped = this.tasks;
    this.tasks = [];
    for (const t of dropped) t.drop?.();
    await this.idle;
  }

  private pump(): void {
    if (this.running) return;
    this.running = true;
    this.idle = new Promise((resolve) => (this.resolveIdle = resolve));
    void this.drain();
  }

  private async drain(): Promise<void> {
    while (this.tasks.length > 0) {
      const task = this.tasks.shift()!;
      try {
        await task.run();
      } catch (err) {
        this.onError(err);
      }
    }
    this.running = false;
    this.resolveIdle?.();
  }
}
