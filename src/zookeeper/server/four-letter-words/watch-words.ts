// wchs, wchc, wchp (WatchCommand). Apache keeps two watch tables: the data table (getData/exists watches, persistent
// and persistent-recursive ones) and the child table (getChildren watches, persistent ones). The three words show the
// data table only; mntr's watch_count adds both.
import type { DataTree } from '../../tree/data-tree.js';
import type { Watcher } from '../../tree/watch-manager.js';
import type { ServerConnection } from '../connection.js';
import { sessionIdOf } from './connection-info.js';
import type { FourLetterCall } from './context.js';
import { javaHex } from './java-format.js';

function table(tree: DataTree, kinds: readonly ('data' | 'child' | 'persistent' | 'recursive')[]): Map<Watcher, Set<string>> {
  const byWatcher = new Map<Watcher, Set<string>>();
  for (const w of tree.watches.watchers()) {
    const paths = new Set<string>();
    for (const kind of kinds) for (const p of tree.watches.pathsOf(w, kind)) paths.add(p);
    if (paths.size > 0) byWatcher.set(w, paths);
  }
  return byWatcher;
}

/** DataTree.getWatchCount: (path, watcher) pairs of the data table plus those of the child table. */
export function watchCount(tree: DataTree): number {
  let n = tree.watches.data.size();
  for (const paths of table(tree, ['child', 'persistent']).values()) n += paths.size;
  return n;
}

function session(w: Watcher): string {
  return `0x${javaHex(sessionIdOf(w as ServerConnection))}`;
}

// WatchManager.toString, dumpWatches(byPath false) and dumpWatches(byPath true) on the data table. A connection whose
// watches all fired (or were removed) is still listed, with no paths; paths come in java.util.HashMap/HashSet order.

export function wchs({ ctx }: FourLetterCall): string {
  const data = ctx.server.tree.watches.data;
  let total = 0;
  for (const w of data.watchers()) total += data.pathsOf(w).size;
  return `${data.watcherCount()} connections watching ${data.pathCount()} paths\nTotal watches:${total}\n`;
}

export function wchc({ ctx }: FourLetterCall): string {
  const data = ctx.server.tree.watches.data;
  let out = '';
  for (const w of data.watchers()) {
    out += `${session(w)}\n`;
    for (const p of data.pathsOfInJavaOrder(w)) out += `\t${p}\n`;
  }
  return `${out}\n`;
}

export function wchp({ ctx }: FourLetterCall): string {
  const data = ctx.server.tree.watches.data;
  let out = '';
  for (const p of data.pathsInJavaOrder()) {
    out += `${p}\n`;
    for (const w of data.watchersOf(p)) out += `\t${session(w)}\n`;
  }
  return `${out}\n`;
}
