// Reads a subtree for tree, find and du: one pipelined round of getChildren2 per level (each reply carries the
// node's own Stat), exists() for nodes at the depth limit, children sorted by name as zkCli's ls sorts them.
import { NoNodeError, type Stat, type ZooKeeperClient } from '../../client/index.js';

export interface SubtreeNode {
  path: string;
  /** The last path segment; "/" for the root. */
  name: string;
  dataLength: number;
  numChildren: number;
  ephemeralOwner: bigint;
  /** Sorted by name; null when the walk stopped at its depth limit above this node's children. */
  children: SubtreeNode[] | null;
}

export interface SubtreeOptions {
  /** Levels below the root to read (0: the root alone); unlimited by default. */
  maxDepth?: number;
  /** The walk fails rather than hold more nodes than this. */
  maxNodes?: number;
  /** Called after each batch of replies with the number of nodes read so far. */
  onProgress?: (nodesRead: number) => void;
}

export const DEFAULT_MAX_SUBTREE_NODES = 1_000_000;
/** Requests handed to the client at once; it queues beyond its own outstanding limit anyway. */
const BATCH_REQUESTS = 1000;

export class SubtreeTooLargeError extends Error {
  override readonly name = 'SubtreeTooLargeError';
  constructor(root: string, maxNodes: number) {
    super(`${root} has more than ${maxNodes} nodes below it; not read`);
  }
}

export function childPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}

function nameOf(path: string): string {
  return path === '/' ? '/' : path.slice(path.lastIndexOf('/') + 1);
}

function nodeOf(path: string, stat: Stat): SubtreeNode {
  return { path, name: nameOf(path), dataLength: stat.dataLength, numChildren: stat.numChildren, ephemeralOwner: stat.ephemeralOwner, children: null };
}

/** Reads `root` and what lies below it; a missing root throws NoNodeError, nodes deleted meanwhile are left out. */
export async function readSubtree(client: ZooKeeperClient, root: string, options: SubtreeOptions = {}): Promise<SubtreeNode> {
  const maxDepth = options.maxDepth ?? Infinity;
  const maxNodes = options.maxNodes ?? DEFAULT_MAX_SUBTREE_NODES;
  let nodesRead = 0;

  // Each entry: a path to read at this level and where its node goes.
  type Pending = { path: string; attach: (node: SubtreeNode) => void };
  let top: SubtreeNode | null = null;
  let level: Pending[] = [{ path: root, attach: (node) => (top = node) }];
  for (let depth = 0; level.length > 0; depth++) {
    const descend = depth < maxDepth;
    const next: Pending[] = [];
    for (let start = 0; start < level.length; start += BATCH_REQUESTS) {
      const batch = level.slice(start, start + BATCH_REQUESTS);
      const replies = await Promise.all(
        batch.map(({ path }) => {
          const read = descend
            ? client.getChildrenWithStat(path)
            : client.exists(path).then((stat) => (stat === null ? null : { stat, children: null }));
          return read.catch((err: unknown) => {
            if (err instanceof NoNodeError && path !== root) return null;
            throw err;
          });
        }),
      );
      replies.forEach((reply, i) => {
        const { path, attach } = batch[i]!;
        if (reply === null) {
          if (path === root) throw new NoNodeError(root);
          return;
        }
        const node = nodeOf(path, reply.stat);
        attach(node);
        if (reply.children === null) return;
        const children: SubtreeNode[] = [];
        node.children = children;
        // Replies are handled in request order, so pushing keeps the sorted order; a child deleted during the
        // walk is never pushed.
        for (const name of [...reply.children].sort()) next.push({ path: childPath(path, name), attach: (child) => children.push(child) });
      });
      nodesRead += batch.length;
      if (nodesRead > maxNodes) throw new SubtreeTooLargeError(root, maxNodes);
      options.onProgress?.(nodesRead);
    }
    level = next;
  }
  return top!;
}
