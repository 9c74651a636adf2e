// Watches set from the browser: their events are queued and the menu is interrupted so they print above it as
// they arrive; leaving the browser removes what is still set.
import type { WatchedEvent, WatchListener, ZooKeeperClient } from '../../client/index.js';

export type BrowserWatchKind = 'data' | 'children' | 'persistent' | 'persistentRecursive';

export const WATCH_KIND_NAMES: Record<BrowserWatchKind, string> = {
  data: 'data, once',
  children: 'children, once',
  persistent: 'persistent',
  persistentRecursive: 'persistent recursive',
};

interface ActiveWatch {
  path: string;
  kind: BrowserWatchKind;
  listener: WatchListener;
}

/** Events waiting to be printed; more than this and the oldest are dropped (a recursive watch on a busy tree). */
const MAX_PENDING_EVENTS = 1000;

export class BrowserWatches {
  private readonly active = new Set<ActiveWatch>();
  private pending: string[] = [];
  private dropped = 0;
  private closed = false;

  constructor(
    private readonly client: ZooKeeperClient,
    /** Called on each event, after it is queued. */
    private readonly onEvent: () => void,
  ) {}

  async add(path: string, kind: BrowserWatchKind): Promise<void> {
    const watch: ActiveWatch = { path, kind, listener: (event) => this.deliver(watch, event) };
    this.active.add(watch);
    try {
      if (kind === 'data') await this.client.getData(path, watch.listener);
      else if (kind === 'children') await this.client.getChildren(path, watch.listener);
      else await this.client.addWatch(path, kind === 'persistent' ? 'Persistent' : 'PersistentRecursive', watch.listener);
    } catch (err) {
      this.active.delete(watch);
      throw err;
    }
  }

  /** Kinds of watch set on `path`, for the menu's header. */
  kindsOn(path: string): BrowserWatchKind[] {
    return [...this.active].filter((w) => w.path === path).map((w) => w.kind);
  }

  /** The queued event lines, oldest first; the queue is emptied. */
  drain(): string[] {
    const lines = this.dropped > 0 ? [`(${this.dropped} earlier events not shown)`, ...this.pending] : this.pending;
    this.pending = [];
    this.dropped = 0;
    return lines;
  }

  /** Stops printing and removes every watch still set (locally too when the server cannot be asked). */
  async close(): Promise<void> {
    this.closed = true;
    const removals = [...this.active].map((w) => this.client.removeWatches(w.path, w.listener, 'Any', true).catch(() => undefined));
    this.active.clear();
    await Promise.all(removals);
  }

  private deliver(watch: ActiveWatch, event: WatchedEvent): void {
    if (this.closed) return;
    // A one-shot watch is spent once it fires; connection-state events do not fire it.
    if ((watch.kind === 'data' || watch.kind === 'children') && event.type !== 'None') this.active.delete(watch);
    this.pending.push(`WATCHER:: ${event.toString()}`);
    if (this.pending.length > MAX_PENDING_EVENTS) {
      this.pending.shift();
      this.dropped++;
    }
    this.onEvent();
  }
}
