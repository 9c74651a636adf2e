// Watch tables of the data tree. One-shot data/child watches fire once; persistent and persistent-recursive
// watches stay until removed. One change delivers at most one event per watcher.
import { EventType } from '../jute/constants.js';

export interface Watcher {
  /** Delivers a notification (the server sends WatcherEvent{type, SyncConnected, path}). */
  process(type: number, path: string): void;
}

export type WatchKind = 'data' | 'child' | 'persistent' | 'recursive';
const KINDS: WatchKind[] = ['data', 'child', 'persistent', 'recursive'];

type Table = Map<string, Set<Watcher>>;

export class WatchManager {
  private readonly tables: Record<WatchKind, Table> = { data: new Map(), child: new Map(), persistent: new Map(), recursive: new Map() };
  private readonly byWatcher = new Map<Watcher, Record<WatchKind, Set<string>>>();

  add(kind: WatchKind, path: string, w: Watcher): void {
    let set = this.tables[kind].get(path);
    if (!set) this.tables[kind].set(path, (set = new Set()));
    set.add(w);
    let mine = this.byWatcher.get(w);
    if (!mine) this.byWatcher.set(w, (mine = { data: new Set(), child: new Set(), persistent: new Set(), recursive: new Set() }));
    mine[kind].add(path);
  }

  has(kind: WatchKind, path: string, w: Watcher): boolean {
    return this.tables[kind].get(path)?.has(w) ?? false;
  }

  remove(kind: WatchKind, path: string, w: Watcher): boolean {
    const set = this.tables[kind].get(path);
    if (!set || !set.delete(w)) return false;
    if (set.size === 0) this.tables[kind].delete(path);
    this.byWatcher.get(w)?.[kind].delete(path);
    return true;
  }

  /** Drops every watch of a watcher (its connection closed). */
  removeWatcher(w: Watcher): void {
    const mine = this.byWatcher.get(w);
    if (!mine) return;
    for (const kind of KINDS) {
      for (const path of mine[kind]) {
        const set = this.tables[kind].get(path);
        if (set && set.delete(w) && set.size === 0) this.tables[kind].delete(path);
      }
    }
    this.byWatcher.delete(w);
  }

  private take(kind: WatchKind, path: string, out: Set<Watcher>): void {
    const set = this.tables[kind].get(path);
    if (!set) return;
    this.tables[kind].delete(path);
    for (const w of set) {
      out.add(w);
      this.byWatcher.get(w)?.[kind].delete(path);
    }
  }

  private collect(kind: WatchKind, path: string, out: Set<Watcher>): void {
    const set = this.tables[kind].get(path);
    if (set) for (const w of set) out.add(w);
  }

  /** Fires the watches a change of `type` on `path` triggers; returns how many watchers were notified. */
  trigger(path: string, type: number): number {
    const { data, child, persistent, recursive } = this.tables;
    if (data.size === 0 && child.size === 0 && persistent.size === 0 && recursive.size === 0) return 0;
    const out = new Set<Watcher>();
    if (type === EventType.NodeChildrenChanged) {
      this.take('child', path, out);
      this.collect('persistent', path, out);
    } else {
      this.take('data', path, out);
      if (type === EventType.NodeDeleted) this.take('child', path, out);
      this.collect('persistent', path, out);
      if (recursive.size > 0) {
        for (let p = path; ; ) {
          this.collect('recursive', p, out);
          if (p === '/') break;
          const i = p.lastIndexOf('/');
          p = i === 0 ? '/' : p.slice(0, i);
        }
      }
    }
    for (const w of out) w.process(type, path);
    return out.size;
  }

  /** For 4lw wchs/wchc/wchp: every (watcher, path) pair of one-shot and persistent watches. */
  *entries(): Iterable<[Watcher, string]> {
    for (const [w, mine] of this.byWatcher) {
      const seen = new Set<string>();
      for (const kind of KINDS) for (const p of mine[kind]) if (!seen.has(p)) (seen.add(p), yield [w, p] as [Watcher, string]);
    }
  }

  watchers(): Iterable<Watcher> {
    return this.byWatcher.keys();
  }

  pathsOf(w: Watcher, kind: WatchKind): ReadonlySet<string> {
    return this.byWatcher.get(w)?.[kind] ?? new Set();
  }

  /** Number of (path, watcher) entries per table, as Apache's wchs counts them. */
  count(): number {
    let n = 0;
    for (const kind of KINDS) for (const set of this.tables[kind].values()) n += set.size;
    return n;
  }

  pathCount(): number {
    const paths = new Set<string>();
    for (const kind of KINDS) for (const p of this.tables[kind].keys()) paths.add(p);
    return paths.size;
  }
}
