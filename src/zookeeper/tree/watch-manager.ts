// Watch tables of the data tree, kept as Apache ZooKeeper 3.8 keeps them: a data table (exists, getData) and a child
// table (getChildren); addWatch puts its persistent or persistent-recursive watch in both. Each (watcher, path) pair
// of a table has one mode, and registering again replaces it: a one-shot getData watch on a path that has a
// persistent watch makes the data-table entry one-shot, so once it fires the path gets no more data events.
import { EventType, WatcherType } from '../jute/constants.js';
import { javaHashCapacity, javaHashSetOrder } from './java-hash-order.js';
import { parentOf, pathDepth, truncatePath } from './paths.js';

export interface Watcher {
  /** Delivers a notification (the server sends WatcherEvent{type, SyncConnected, path}). */
  process(type: number, path: string): void;
}

export type WatchMode = 'standard' | 'persistent' | 'recursive';
/** What a request registers: a one-shot data or child watch, or an addWatch/setWatches2 persistent one. */
export type WatchKind = 'data' | 'child' | 'persistent' | 'recursive';
export type TableName = 'data' | 'child';

const NO_WATCHERS: ReadonlySet<Watcher> = new Set();
/** Apache's watchTable and watch2Paths are `new HashMap<>()`, each watcher's paths a `new HashSet<>()`. */
const JAVA_DEFAULT_CAPACITY = 16;

/** One of Apache's WatchManager instances: path → watchers, watcher → paths, and the non-standard modes. */
export class WatchTable {
  private readonly byPath = new Map<string, Set<Watcher>>();
  private readonly byWatcher = new Map<Watcher, Set<string>>();
  private readonly modes = new Map<Watcher, Map<string, WatchMode>>();
  /** Recursive (watcher, path) pairs by the depth of the path. */
  private readonly recursiveByDepth = new Map<number, number>();
  /** Depth of the deepest recursive watch, -1 when there is none: ancestors deeper than this need no look-up. */
  private maxRecursiveDepth = -1;
  // The most entries each Java table has held (a HashMap never shrinks): its iteration order depends on it.
  private maxPathCount = 0;
  private readonly maxPathsOf = new Map<Watcher, number>();

  modeOf(w: Watcher, path: string): WatchMode {
    return this.modes.get(w)?.get(path) ?? 'standard';
  }

  private countRecursive(path: string, diff: 1 | -1): void {
    const depth = pathDepth(path);
    const n = (this.recursiveByDepth.get(depth) ?? 0) + diff;
    if (n > 0) this.recursiveByDepth.set(depth, n);
    else this.recursiveByDepth.delete(depth);
    if (diff > 0) {
      if (depth > this.maxRecursiveDepth) this.maxRecursiveDepth = depth;
    } else if (n === 0 && depth === this.maxRecursiveDepth) {
      this.maxRecursiveDepth = -1;
      for (const d of this.recursiveByDepth.keys()) if (d > this.maxRecursiveDepth) this.maxRecursiveDepth = d;
    }
  }

  private setMode(w: Watcher, path: string, mode: WatchMode): void {
    const old = this.modeOf(w, path);
    if (old === 'recursive' && mode !== 'recursive') this.countRecursive(path, -1);
    if (mode === 'recursive' && old !== 'recursive') this.countRecursive(path, 1);
    let mine = this.modes.get(w);
    if (mode === 'standard') {
      mine?.delete(path);
      if (mine?.size === 0) this.modes.delete(w);
      return;
    }
    if (!mine) this.modes.set(w, (mine = new Map()));
    mine.set(path, mode);
  }

  add(path: string, w: Watcher, mode: WatchMode): void {
    let set = this.byPath.get(path);
    if (!set) this.byPath.set(path, (set = new Set()));
    set.add(w);
    let paths = this.byWatcher.get(w);
    if (!paths) this.byWatcher.set(w, (paths = new Set()));
    paths.add(path);
    this.setMode(w, path, mode);
    this.maxPathCount = Math.max(this.maxPathCount, this.byPath.size);
    this.maxPathsOf.set(w, Math.max(this.maxPathsOf.get(w) ?? 0, paths.size));
  }

  /**
   * WatchManager.triggerWatch: standard watches on the path fire and go, persistent ones fire and stay, recursive
   * ones fire for the path and its descendants (never for NodeChildrenChanged). Watchers in `suppress` are taken
   * out of the table like the others but not notified. Returns every watcher the change selected.
   */
  trigger(path: string, type: number, suppress?: ReadonlySet<Watcher>): ReadonlySet<Watcher> {
    const maxDepth = this.maxRecursiveDepth;
    // Most changes have nobody watching: no allocation then.
    if (maxDepth < 0 && !this.byPath.has(path)) return NO_WATCHERS;
    const selected = new Set<Watcher>();
    this.select(path, false, type, selected);
    // PathParentIterator's walk to the root, from the deepest ancestor that can hold a recursive watch: a change
    // thousands of levels down costs as many look-ups as the recursive watches are deep, not as it is.
    if (maxDepth >= 0 && path !== '/') {
      const start = truncatePath(path, maxDepth);
      for (let p = start === path ? parentOf(path) : start; ; p = parentOf(p)) {
        this.select(p, true, type, selected);
        if (p === '/') break;
      }
    }
    for (const w of selected) if (!suppress?.has(w)) w.process(type, path);
    return selected;
  }

  private select(local: string, atParent: boolean, type: number, selected: Set<Watcher>): void {
    const set = this.byPath.get(local);
    if (!set) return;
    // Deleting the entry being visited is safe while iterating a Set.
    for (const w of set) {
      const mode = this.modeOf(w, local);
      if (mode === 'recursive') {
        if (type !== EventType.NodeChildrenChanged) selected.add(w);
      } else if (!atParent) {
        selected.add(w);
        if (mode === 'standard') {
          set.delete(w);
          this.byWatcher.get(w)?.delete(local);
        }
      }
    }
    if (set.size === 0) this.byPath.delete(local);
  }

  /** Apache 3.8's containsWatcher: true when any watcher watches the path (it does not look for this one). */
  contains(path: string, w: Watcher): boolean {
    return this.byPath.has(path) || this.modeOf(w, path) === 'recursive';
  }

  remove(path: string, w: Watcher): boolean {
    const paths = this.byWatcher.get(w);
    if (!paths || !paths.delete(path)) return false;
    const set = this.byPath.get(path);
    if (!set || !set.delete(w)) return false;
    if (set.size === 0) this.byPath.delete(path);
    this.setMode(w, path, 'standard');
    return true;
  }

  removeWatcher(w: Watcher): void {
    const paths = this.byWatcher.get(w);
    if (!paths) return;
    this.byWatcher.delete(w);
    this.maxPathsOf.delete(w);
    for (const p of paths) {
      const set = this.byPath.get(p);
      if (set && set.delete(w) && set.size === 0) this.byPath.delete(p);
      this.setMode(w, p, 'standard');
    }
  }

  watchers(): Iterable<Watcher> {
    return this.byWatcher.keys();
  }

  /**
   * Paths the watcher watches in this table (every mode), as Apache's watch2Paths holds them. A watcher stays (with
   * no paths) after all its watches fired or were removed, until its connection closes.
   */
  pathsOf(w: Watcher): ReadonlySet<string> {
    return this.byWatcher.get(w) ?? new Set();
  }

  /** pathsOf in the order Apache's HashSet iterates them. */
  pathsOfInJavaOrder(w: Watcher): string[] {
    return javaHashSetOrder(this.pathsOf(w), javaHashCapacity(this.maxPathsOf.get(w) ?? 0, JAVA_DEFAULT_CAPACITY));
  }

  /** Every watched path, in the order Apache's watchTable (a HashMap) iterates them. */
  pathsInJavaOrder(): string[] {
    return javaHashSetOrder(this.byPath.keys(), javaHashCapacity(this.maxPathCount, JAVA_DEFAULT_CAPACITY));
  }

  /** Watchers of a path, in the order they registered. */
  watchersOf(path: string): ReadonlySet<Watcher> {
    return this.byPath.get(path) ?? NO_WATCHERS;
  }

  watcherCount(): number {
    return this.byWatcher.size;
  }

  /** Number of (path, watcher) pairs: WatchManager.size(). */
  size(): number {
    let n = 0;
    for (const set of this.byPath.values()) n += set.size;
    return n;
  }

  pathCount(): number {
    return this.byPath.size;
  }
}

export class WatchManager {
  readonly data = new WatchTable();
  readonly child = new WatchTable();

  add(kind: WatchKind, path: string, w: Watcher): void {
    if (kind === 'data') this.data.add(path, w, 'standard');
    else if (kind === 'child') this.child.add(path, w, 'standard');
    else {
      this.data.add(path, w, kind);
      this.child.add(path, w, kind);
    }
  }

  /** checkWatches (DataTree.containsWatcher); 3.8 knows only Children, Data and Any here. */
  has(watcherType: number, path: string, w: Watcher): boolean {
    switch (watcherType) {
      case WatcherType.Children: return this.child.contains(path, w);
      case WatcherType.Data: return this.data.contains(path, w);
      case WatcherType.Any: return this.child.contains(path, w) || this.data.contains(path, w);
      default: return false;
    }
  }

  /** removeWatches (DataTree.removeWatch); 3.8 knows only Children, Data and Any here. */
  remove(watcherType: number, path: string, w: Watcher): boolean {
    switch (watcherType) {
      case WatcherType.Children: return this.child.remove(path, w);
      case WatcherType.Data: return this.data.remove(path, w);
      case WatcherType.Any: {
        const fromChild = this.child.remove(path, w);
        const fromData = this.data.remove(path, w);
        return fromChild || fromData;
      }
      default: return false;
    }
  }

  /** Drops every watch of a watcher (its connection closed). */
  removeWatcher(w: Watcher): void {
    this.data.removeWatcher(w);
    this.child.removeWatcher(w);
  }

  /**
   * Fires what a change triggers, in DataTree's order: created and data-changed use the data table; a delete fires
   * the data table, then the child table for the same path without notifying anyone twice; children-changed (sent
   * for the parent) uses the child table.
   */
  trigger(path: string, type: number): number {
    if (type === EventType.NodeChildrenChanged) return this.child.trigger(path, type).size;
    const fired = this.data.trigger(path, type);
    if (type !== EventType.NodeDeleted) return fired.size;
    const more = this.child.trigger(path, type, fired);
    let n = fired.size;
    for (const w of more) if (!fired.has(w)) n++;
    return n;
  }

  table(name: TableName): WatchTable {
    return name === 'data' ? this.data : this.child;
  }

  /** Every watcher with a watch in either table. */
  watchers(): Iterable<Watcher> {
    return new Set([...this.data.watchers(), ...this.child.watchers()]);
  }

  /** Paths by what registered them: one-shot data or child watches, or persistent / recursive ones. */
  pathsOf(w: Watcher, kind: WatchKind): ReadonlySet<string> {
    const out = new Set<string>();
    const collect = (t: WatchTable, mode: WatchMode) => {
      for (const p of t.pathsOf(w)) if (t.modeOf(w, p) === mode) out.add(p);
    };
    if (kind === 'data') collect(this.data, 'standard');
    else if (kind === 'child') collect(this.child, 'standard');
    else {
      collect(this.data, kind);
      collect(this.child, kind);
    }
    return out;
  }

  /** DataTree.getWatchCount: pairs in the data table plus pairs in the child table. */
  count(): number {
    return this.data.size() + this.child.size();
  }

  pathCount(): number {
    return this.data.pathCount();
  }
}
