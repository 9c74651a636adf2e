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
    // Apache keeps a watcher whose watches all fired with an empty set; it watches nothing, so it is left out.
    if (paths.size > 0) byWatcher.set(w, paths);
  }
  return byWatcher;
}

export function dataWatchTable(tree: DataTree): Map<Watcher, Set<string>> {
  return table(tree, ['data', 'persistent', 'recursive']);
}

/** DataTree.getWatchCount: (path, watcher) pairs of the data table plus those of the child table. */
export function watchCount(tree: DataTree): number {
  let n = 0;
  for (const paths of dataWatchTable(tree).values()) n += paths.size;
  for (const paths of table(tree, ['child', 'persistent']).values()) n += paths.size;
  return n;
}

function session(w: Watcher): string {
  return `0x${javaHex(sessionIdOf(w as ServerConnection))}`;
}

export function wchs({ ctx }: FourLetterCall): string {
  const byWatcher = dataWatchTable(ctx.server.tree);
  const paths = new Set<string>();
  let total = 0;
  for (const ps of byWatcher.values()) {
    total += ps.size;
    for (const p of ps) paths.add(p);
  }
  return `${byWatcher.size} connections watching ${paths.size} paths\nTotal watches:${total}\n`;
}

export function wchc({ ctx }: FourLetterCall): string {
  let out = '';
  for (const [w, paths] of dataWatchTable(ctx.server.tree)) {
    out += `${session(w)}\n`;
    for (const p of paths) out += `\t${p}\n`;
  }
  return `${out}\n`;
}

export function wchp({ ctx }: FourLetterCall): string {
  const byPath = new Map<string, Watcher[]>();
  for (const [w, paths] of dataWatchTable(ctx.server.tree)) {
    for (const p of paths) {
      let ws = byPath.get(p);
      if (!ws) byPath.set(p, (ws = []));
      ws.push(w);
    }
  }
  let out = '';
  for (const [p, ws] of byPath) {
    out += `${p}\n`;
    for (const w of ws) out += `\t${session(w)}\n`;
  }
  return `${out}\n`;
}
