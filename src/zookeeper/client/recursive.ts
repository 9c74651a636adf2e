// Whole-path helpers: mkdirp (create missing ancestors) and removeRecursive (zkCli's deleteall, ZKUtil.deleteRecursive).
import type { ACL } from '../jute/records.generated.js';
import type { ZooKeeperClient } from './client.js';
import { NodeExistsError, NoNodeError, type ZooKeeperError } from './errors.js';
import { validatePath } from './paths.js';
import { Op, type CreateModeName, type Data } from './transaction.js';

export interface RemoveRecursiveOptions {
  /** Deletes per multi (zkCli's `deleteall -b`, default 1000). */
  batchSize?: number;
  /** Multis in flight at once (ZKUtil's rate limit, 10). */
  maxInFlight?: number;
}

/**
 * Request bytes a delete multi may take: half of the servers' default jute.maxbuffer (1 MiB), so that a batch of
 * long paths (a deep subtree's) is split rather than refused with the connection closed.
 */
export const MAX_DELETE_BATCH_BYTES = 512 * 1024;
/** A delete op in a multi besides its path: MultiHeader (9 bytes), the path's length (4) and the version (4). */
const DELETE_OP_BYTES = 17;

/**
 * ZKUtil.deleteInBatch's batches: deletes for `paths` from the last to the first (a BFS listing reversed puts every
 * node after its descendants), cut after every `batchSize` ops as Apache cuts them, and also before a batch would
 * pass maxBatchBytes.
 */
export function* deleteBatches(paths: readonly string[], batchSize: number, maxBatchBytes = MAX_DELETE_BATCH_BYTES): Generator<Op[]> {
  let ops: Op[] = [];
  let bytes = 0;
  for (let i = paths.length - 1; i >= 0; i--) {
    const path = paths[i]!;
    const size = DELETE_OP_BYTES + Buffer.byteLength(path);
    if (ops.length > 0 && bytes + size > maxBatchBytes) {
      yield ops;
      ops = [];
      bytes = 0;
    }
    ops.push(Op.delete(path, -1));
    bytes += size;
    if (ops.length === batchSize) {
      yield ops;
      ops = [];
      bytes = 0;
    }
  }
  if (ops.length > 0) yield ops;
}

function childPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}

/** All creates are pipelined: the server runs them in order, so each ancestor exists before its child. */
export async function mkdirp(client: ZooKeeperClient, path: string, data: Data, acl: ACL[], mode: CreateModeName | number): Promise<string> {
  validatePath(path);
  if (path === '/') return path;
  const parts = path.split('/').slice(1);
  const creates: Promise<string>[] = [];
  let current = '';
  parts.forEach((part, i) => {
    current += `/${part}`;
    const last = i === parts.length - 1;
    const target = current;
    creates.push(
      client.create(target, last ? data : null, acl, last ? mode : 'PERSISTENT').catch((err: unknown) => {
        if (err instanceof NodeExistsError) return target;
        throw err;
      }),
    );
  });
  const settled = await Promise.allSettled(creates);
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
  return (settled[settled.length - 1] as PromiseFulfilledResult<string>).value;
}

/** ZKUtil.listSubTreeBFS, one pipelined round of getChildren per level; nodes vanishing meanwhile are skipped. */
async function listSubTree(client: ZooKeeperClient, root: string): Promise<string[]> {
  const tree = [root];
  let level = [root];
  while (level.length > 0) {
    const listed = await Promise.all(
      level.map((node) =>
        client.getChildren(node).catch((err: unknown) => {
          if (err instanceof NoNodeError && node !== root) return [] as string[];
          throw err;
        }),
      ),
    );
    const next: string[] = [];
    listed.forEach((children, i) => {
      for (const child of children) next.push(childPath(level[i], child));
    });
    // A loop, not push(...next): a level can hold more children than a call takes arguments.
    for (const p of next) tree.push(p);
    level = next;
  }
  return tree;
}

export async function removeRecursive(client: ZooKeeperClient, path: string, options: RemoveRecursiveOptions): Promise<void> {
  validatePath(path);
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  const maxInFlight = Math.max(1, options.maxInFlight ?? 10);
  const tree = await listSubTree(client, path);
  let failure: ZooKeeperError | Error | null = null;
  const inFlight = new Set<Promise<void>>();
  for (const ops of deleteBatches(tree, batchSize)) {
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    if (failure !== null) break;
    const batch: Promise<void> = client.multi(ops).then(
      () => void inFlight.delete(batch),
      (err: Error) => {
        inFlight.delete(batch);
        failure ??= err;
      },
    );
    inFlight.add(batch);
  }
  await Promise.all(inFlight);
  if (failure !== null) throw failure;
}
