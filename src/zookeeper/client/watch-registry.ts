// The client's watch tables (Java's ZKWatchManager): which listeners a server event reaches, which paths to
// re-register after a reconnect, and local removal. Pure: no I/O, no timers.
import { OpCode, WatcherType } from '../jute/constants.js';
import type { SetWatches2 } from '../jute/records.generated.js';
import type { EventTypeName, WatchListener } from './watched-event.js';

export type WatchKind = 'data' | 'exist' | 'child' | 'persistent' | 'persistentRecursive';
export type WatcherTypeName = keyof typeof WatcherType;

const KINDS: readonly WatchKind[] = ['data', 'exist', 'child', 'persistent', 'persistentRecursive'];

/** Which tables removeWatches(type) looks in, and the event type reported for a listener removed from each. */
const REMOVAL: Record<WatcherTypeName, readonly WatchKind[]> = {
  Children: ['child'],
  Data: ['data', 'exist'],
  Persistent: ['persistent'],
  PersistentRecursive: ['persistentRecursive'],
  Any: KINDS,
};
const REMOVED_EVENT: Record<WatchKind, EventTypeName> = {
  data: 'DataWatchRemoved',
  exist: 'DataWatchRemoved',
  child: 'ChildWatchRemoved',
  persistent: 'PersistentWatchRemoved',
  persistentRecursive: 'PersistentWatchRemoved',
};

type Table = Map<string, Set<WatchListener>>;

function take(table: Table, path: string, into: Set<WatchListener>): void {
  const set = table.get(path);
  if (!set) return;
  table.delete(path);
  for (const l of set) into.add(l);
}

function addAll(set: Set<WatchListener> | undefined, into: Set<WatchListener>): void {
  if (set) for (const l of set) into.add(l);
}

/** "/a/b/c" → "/a/b/c", "/a/b", "/a", "/". */
function* selfAndAncestors(path: string): Generator<string> {
  let p = path;
  for (;;) {
    yield p;
    if (p === '/') return;
    const slash = p.lastIndexOf('/');
    p = slash <= 0 ? '/' : p.slice(0, slash);
  }
}

export class WatchRegistry {
  private readonly tables: Record<WatchKind, Table> = {
    data: new Map(),
    exist: new Map(),
    child: new Map(),
    persistent: new Map(),
    persistentRecursive: new Map(),
  };

  add(kind: WatchKind, path: string, listener: WatchListener): void {
    const table = this.tables[kind];
    let set = table.get(path);
    if (!set) table.set(path, (set = new Set()));
    set.add(listener);
  }

  /** The listeners a server event reaches; one-shot watches are consumed, persistent ones stay. */
  materialize(type: EventTypeName, path: string): Set<WatchListener> {
    const out = new Set<WatchListener>();
    const t = this.tables;
    switch (type) {
      case 'NodeCreated':
      case 'NodeDataChanged':
        take(t.data, path, out);
        take(t.exist, path, out);
        break;
      case 'NodeChildrenChanged':
        take(t.child, path, out);
        break;
      case 'NodeDeleted':
        take(t.data, path, out);
        take(t.exist, path, out);
        take(t.child, path, out);
        break;
      default:
        return out;
    }
    addAll(t.persistent.get(path), out);
    // Recursive watches never see NodeChildrenChanged.
    if (type !== 'NodeChildrenChanged' && t.persistentRecursive.size > 0) for (const p of selfAndAncestors(path)) addAll(t.persistentRecursive.get(p), out);
    return out;
  }

  /** Whether `listener` (or any listener, when null) watches `path` in the tables `type` covers. */
  contains(path: string, listener: WatchListener | null, type: WatcherTypeName): boolean {
    return REMOVAL[type].some((kind) => {
      const set = this.tables[kind].get(path);
      return set !== undefined && (listener === null ? set.size > 0 : set.has(listener));
    });
  }

  /**
   * Removes `listener` (or every listener, when null) on `path` from the tables `type` covers; returns what
   * was removed grouped by the event type to report to it (empty when nothing matched).
   */
  remove(path: string, listener: WatchListener | null, type: WatcherTypeName): Map<EventTypeName, Set<WatchListener>> {
    const removed = new Map<EventTypeName, Set<WatchListener>>();
    for (const kind of REMOVAL[type]) {
      const table = this.tables[kind];
      const set = table.get(path);
      if (!set) continue;
      const into = removed.get(REMOVED_EVENT[kind]) ?? new Set<WatchListener>();
      if (listener === null) {
        addAll(set, into);
        table.delete(path);
      } else if (set.delete(listener)) {
        into.add(listener);
        if (set.size === 0) table.delete(path);
      }
      if (into.size > 0) removed.set(REMOVED_EVENT[kind], into);
    }
    return removed;
  }

  paths(kind: WatchKind): string[] {
    return [...this.tables[kind].keys()];
  }

  isEmpty(): boolean {
    return KINDS.every((kind) => this.tables[kind].size === 0);
  }

  /** Every listener, each once (for connection-level notices such as expiry). */
  clear(): Set<WatchListener> {
    const all = new Set<WatchListener>();
    for (const kind of KINDS) {
      for (const set of this.tables[kind].values()) addAll(set, all);
      this.tables[kind].clear();
    }
    return all;
  }
}

/** Java's SET_WATCHES_MAX_LENGTH: path characters per setWatches packet, well under jute.maxbuffer. */
export const SET_WATCHES_MAX_CHARS = 128 * 1024;

export interface SetWatchesPacket {
  opcode: typeof OpCode.setWatches | typeof OpCode.setWatches2;
  record: SetWatches2;
}

export interface WatchPaths {
  data: readonly string[];
  exist: readonly string[];
  child: readonly string[];
  persistent: readonly string[];
  persistentRecursive: readonly string[];
}

/**
 * The packets that re-register watches after a reconnect, split as Java splits them: paths are taken in the
 * order data, exist, child, persistent, recursive until a batch holds maxChars characters (the last path may
 * overshoot). A batch without persistent paths is a setWatches (101), else a setWatches2 (105); for 101
 * only the first three lists of the record are written.
 */
export function setWatchesPackets(paths: WatchPaths, relativeZxid: bigint, maxChars = SET_WATCHES_MAX_CHARS): SetWatchesPacket[] {
  const queue: [keyof WatchPaths, string][] = [];
  for (const kind of ['data', 'exist', 'child', 'persistent', 'persistentRecursive'] as const) {
    for (const p of paths[kind]) queue.push([kind, p]);
  }
  const packets: SetWatchesPacket[] = [];
  let i = 0;
  while (i < queue.length) {
    const batch: Record<keyof WatchPaths, string[]> = { data: [], exist: [], child: [], persistent: [], persistentRecursive: [] };
    let chars = 0;
    while (chars < maxChars && i < queue.length) {
      const [kind, p] = queue[i++];
      batch[kind].push(p);
      chars += p.length;
    }
    const persistent = batch.persistent.length > 0 || batch.persistentRecursive.length > 0;
    packets.push({
      opcode: persistent ? OpCode.setWatches2 : OpCode.setWatches,
      record: {
        relativeZxid,
        dataWatches: batch.data,
        existWatches: batch.exist,
        childWatches: batch.child,
        persistentWatches: batch.persistent,
        persistentRecursiveWatches: batch.persistentRecursive,
      },
    });
  }
  return packets;
}
