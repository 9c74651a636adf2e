// ZKUtil.visitSubTreeDFS: the node itself, then each node's children (sorted, full paths) before descending into
// them; nodes that vanish meanwhile are skipped. `ls -R`, `setAcl -R` and setquota's child check walk this way.
// The descent keeps an explicit stack of listed children, so the walk holds one frame per level on the heap and any
// depth of tree works.
import { NoNodeError, validatePath, type WatchListener, type ZooKeeperClient } from '../../client/index.js';
import { childPath } from './define.js';

/** A listed node: its children (full paths, sorted) and how many of them the walk has descended into. */
interface Frame {
  children: string[];
  next: number;
}

export async function visitSubTreeDFS(
  client: ZooKeeperClient,
  path: string,
  watcher: WatchListener | undefined,
  visit: (path: string) => void | Promise<void>,
): Promise<void> {
  validatePath(path);
  await client.getData(path, watcher);
  await visit(path);
  const stack: Frame[] = [];
  let listing: string | undefined = path;
  while (listing !== undefined) {
    const children = await listChildren(client, listing, watcher);
    for (const child of children) await visit(child);
    if (children.length > 0) stack.push({ children, next: 0 });
    listing = undefined;
    while (listing === undefined && stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.children.length) listing = top.children[top.next++];
      else stack.pop();
    }
  }
}

/** The node's children as sorted full paths; none when it is gone. */
async function listChildren(client: ZooKeeperClient, path: string, watcher: WatchListener | undefined): Promise<string[]> {
  let names: string[];
  try {
    names = await client.getChildren(path, watcher);
  } catch (err) {
    if (err instanceof NoNodeError) return [];
    throw err;
  }
  return names.sort().map((name) => childPath(path, name));
}
