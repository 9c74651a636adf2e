// Quota bookkeeping as Apache's DataTree does it: a path has a quota when /zookeeper/quota/<path>/zookeeper_limits
// exists; the server keeps /zookeeper/quota/<path>/zookeeper_stats at "count=N,bytes=M" for that subtree.
// The stats node is rewritten in place (no zxid, no version change), exactly like Apache.
import { parentOf, pathDepth, truncatePath } from './paths.js';

export const QUOTA_ROOT = '/zookeeper/quota';
export const LIMIT_NODE = 'zookeeper_limits';
export const STAT_NODE = 'zookeeper_stats';

export function statPath(path: string): string {
  return `${QUOTA_ROOT}${path}/${STAT_NODE}`;
}

export function limitPath(path: string): string {
  return `${QUOTA_ROOT}${path}/${LIMIT_NODE}`;
}

/** StatsTrack: "count=1,bytes=2" plus, in the newer form, "=;key=value;..." extras. */
export function parseStats(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pair of text.split(/[,;]/)) {
    const [k, v] = pair.split('=');
    if (k && v !== undefined && v !== '' && /^-?\d+$/.test(v)) out.set(k, Number(v));
  }
  return out;
}

export function formatStats(stats: Map<string, number>): string {
  let out = `count=${stats.get('count') ?? -1},bytes=${stats.get('bytes') ?? -1}`;
  const extra = [...stats.keys()].filter((k) => k !== 'count' && k !== 'bytes').sort();
  if (extra.length > 0) out += '=;' + extra.map((k) => `${k}=${stats.get(k)};`).join('');
  return out;
}

export interface QuotaTree {
  get(path: string): { data: Buffer | null } | undefined;
  /** Nodes and data bytes of a subtree, the root of it included. */
  subtreeCounts(path: string): { count: number; bytes: number };
}

export class QuotaTracker {
  /** Paths that have a zookeeper_limits node. */
  private readonly quotaPaths = new Set<string>();
  /** Segments of the deepest quota path: a change deeper down looks up only the ancestors at most this deep. */
  private maxQuotaDepth = 0;

  constructor(private readonly tree: QuotaTree) {}

  get empty(): boolean {
    return this.quotaPaths.size === 0;
  }

  /**
   * The deepest quota path at or above `path` (the root never has a quota). Every write under a quota asks, so the
   * walk up starts at the depth of the deepest quota rather than at `path`, which may be thousands of levels down.
   */
  maxPrefix(path: string): string | null {
    if (this.quotaPaths.size === 0) return null;
    for (let p = truncatePath(path, this.maxQuotaDepth); p !== '/'; p = parentOf(p)) if (this.quotaPaths.has(p)) return p;
    return null;
  }

  private addQuotaPath(path: string): void {
    this.quotaPaths.add(path);
    this.maxQuotaDepth = Math.max(this.maxQuotaDepth, pathDepth(path));
  }

  private deleteQuotaPath(path: string): void {
    if (!this.quotaPaths.delete(path)) return;
    this.maxQuotaDepth = 0;
    for (const p of this.quotaPaths) this.maxQuotaDepth = Math.max(this.maxQuotaDepth, pathDepth(p));
  }

  private trimmed(parentPath: string): string {
    return parentPath.slice(QUOTA_ROOT.length);
  }

  onCreate(path: string, parentPath: string, name: string, bytes: number): void {
    if (parentPath.startsWith(QUOTA_ROOT)) {
      if (name === LIMIT_NODE) this.addQuotaPath(this.trimmed(parentPath));
      if (name === STAT_NODE) this.recount(this.trimmed(parentPath));
    }
    this.update(path, bytes, 1);
  }

  onDelete(path: string, parentPath: string, name: string, bytes: number): void {
    if (parentPath.startsWith(QUOTA_ROOT) && name === LIMIT_NODE) this.deleteQuotaPath(this.trimmed(parentPath));
    this.update(path, -bytes, -1);
  }

  onSetData(path: string, bytesDiff: number): void {
    this.update(path, bytesDiff, 0);
  }

  private update(path: string, bytesDiff: number, countDiff: number): void {
    const prefix = this.maxPrefix(path);
    if (prefix === null) return;
    const node = this.tree.get(statPath(prefix));
    if (!node) return;
    const stats = parseStats(node.data?.toString('utf8') ?? '');
    stats.set('count', (stats.get('count') ?? -1) + countDiff);
    stats.set('bytes', (stats.get('bytes') ?? -1) + bytesDiff);
    node.data = Buffer.from(formatStats(stats));
  }

  /** updateQuotaForPath: the stats node gets the subtree's real counts. */
  recount(path: string): void {
    const node = this.tree.get(statPath(path));
    if (!node) return;
    const { count, bytes } = this.tree.subtreeCounts(path);
    const stats = parseStats(node.data?.toString('utf8') ?? '');
    stats.set('count', count);
    stats.set('bytes', bytes);
    node.data = Buffer.from(formatStats(stats));
  }

  /** After loading a snapshot (Apache's setupQuota): find every limits node and recount its subtree. */
  rebuild(allPaths: Iterable<string>): void {
    this.quotaPaths.clear();
    this.maxQuotaDepth = 0;
    const suffix = `/${LIMIT_NODE}`;
    for (const p of allPaths) {
      if (p.startsWith(QUOTA_ROOT + '/') && p.endsWith(suffix)) this.addQuotaPath(p.slice(QUOTA_ROOT.length, -suffix.length));
    }
    for (const p of this.quotaPaths) this.recount(p);
  }
}
