// ZKUtil.visitSubTreeDFS: the node itself, then each node's children (sorted, full paths) before descending into
// them; nodes that vanish meanwhile are skipped. `ls -R`, `setAcl -R` and setquota's child check walk this way.
import { NoNodeError, validatePath, type WatchListener, type ZooKeeperClient } from '../../client/index.js';
import { childPath } from './define.js';

export async function visitSubTreeDFS(
  client: ZooKeeperClient,
  path: string,
  watcher: WatchListener | undefined,
  visit: (path: string) => void | Promise<void>,
): Promise<void> {
  validatePath(path);
  await client.getData(path, watcher);
  await visit(path);
  await visitChildren(client, path, watcher, visit);
}

async function visitChildren(
  client: ZooKeeperClient,
  path: string,
  watcher: WatchListener | undefined,
  visit: (path: string) => void | Promise<void>,
): Promise<void> {
  let children: string[];
  try {
    children = await client.getChildren(path, watcher);
  } catch (err) {
    if (err instanceof NoNodeError) return;
    throw err;
  }
  children.sort();
  for (const child of children) await visit(childPath(path, child));
  for (const child of children) await visitChildren(client, childPath(path, child), watcher, visit);
}
