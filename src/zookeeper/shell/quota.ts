// Quotas as zkCli 3.8 keeps them: /zookeeper/quota<path>/zookeeper_limits and .../zookeeper_stats, holding
// StatsTrack texts such as `count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=2`.
import { NodeExistsError, NoNodeError, OPEN_ACL_UNSAFE, type ZooKeeperClient } from '../client/index.js';
import { visitSubTreeDFS } from './commands/tree-walk.js';
import { javaSplit } from './acl-parser.js';
import { IllegalArgumentError } from '../client/index.js';

export const QUOTA_ROOT = '/zookeeper/quota';
export const LIMIT_NODE = 'zookeeper_limits';
export const STAT_NODE = 'zookeeper_stats';

export const quotaPath = (path: string) => QUOTA_ROOT + path;
export const limitPath = (path: string) => `${QUOTA_ROOT}${path}/${LIMIT_NODE}`;
export const statPath = (path: string) => `${QUOTA_ROOT}${path}/${STAT_NODE}`;
export const trimQuotaPath = (path: string) => path.slice(QUOTA_ROOT.length);

/** org.apache.zookeeper.StatsTrack. */
export class StatsTrack {
  readonly stats = new Map<string, bigint>();

  constructor(text: string | Buffer | null = '') {
    const s = Buffer.isBuffer(text) ? text.toString('utf8') : text;
    if (s === null || s.length === 0) return;
    for (const pair of s.split(/[,;]+/)) {
      const kv = javaSplit(pair, '=');
      const value = kv[1];
      this.stats.set(kv[0]!, value === undefined || value === '' ? -1n : BigInt(value));
    }
  }

  get(key: string): bigint {
    return this.stats.get(key) ?? -1n;
  }

  set(key: string, value: bigint): void {
    this.stats.set(key, value);
  }

  get count() {
    return this.get('count');
  }
  get bytes() {
    return this.get('bytes');
  }
  get countHardLimit() {
    return this.get('countHardLimit');
  }
  get byteHardLimit() {
    return this.get('byteHardLimit');
  }

  toString(): string {
    const others = [...this.stats.keys()].filter((k) => k !== 'count' && k !== 'bytes').sort();
    let text = `count=${this.count},bytes=${this.bytes}`;
    if (others.length > 0) text += '=' + others.map((k) => `;${k}=${this.stats.get(k)}`).join('');
    return text;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.stats].map(([k, v]) => [k, Number(v)]));
  }
}

/** SetQuotaCommand.checkIfChildQuota. */
async function checkIfChildQuota(client: ZooKeeperClient, path: string): Promise<void> {
  const own = quotaPath(path);
  try {
    await visitSubTreeDFS(client, own, undefined, async (node) => {
      let children: string[];
      try {
        children = await client.getChildren(node);
      } catch (err) {
        if (err instanceof NoNodeError) return;
        throw err;
      }
      for (const child of children) {
        if (node !== own && child === LIMIT_NODE) throw new IllegalArgumentError(`${path} has a child ${trimQuotaPath(node)} which has a quota`);
      }
    });
  } catch (err) {
    if (!(err instanceof NoNodeError)) throw err;
  }
}

/** SetQuotaCommand.checkIfParentQuota: the ancestors of `path` (not the node itself). */
async function checkIfParentQuota(client: ZooKeeperClient, path: string): Promise<void> {
  const splits = javaSplit(path, '/');
  let node = QUOTA_ROOT;
  for (let i = 1; i < splits.length - 1; i++) {
    node += `/${splits[i]}`;
    let children: string[];
    try {
      children = await client.getChildren(node);
    } catch (err) {
      if (err instanceof NoNodeError) return;
      throw err;
    }
    if (children.length === 0) return;
    for (const child of children) {
      if (node !== quotaPath(path) && child === LIMIT_NODE) throw new IllegalArgumentError(`${path} has a parent ${trimQuotaPath(node)} which has a quota`);
    }
  }
}

async function createIgnoringExists(client: ZooKeeperClient, path: string, data: Buffer | null): Promise<void> {
  try {
    await client.create(path, data, OPEN_ACL_UNSAFE, 'PERSISTENT');
  } catch (err) {
    if (!(err instanceof NodeExistsError)) throw err;
  }
}

/** SetQuotaCommand.checkQuota: warns (stdout) when the new limits are already exceeded. */
function checkQuota(quota: StatsTrack, stats: StatsTrack, out: (line: string) => void): void {
  if ((quota.count > -1n && quota.count < stats.count) || (quota.countHardLimit > -1n && quota.countHardLimit < stats.count)) {
    out(`[Warning]: the count quota you create is less than the existing count:${stats.count}`);
  }
  if ((quota.bytes > -1n && quota.bytes < stats.bytes) || (quota.byteHardLimit > -1n && quota.byteHardLimit < stats.bytes)) {
    out(`[Warning]: the bytes quota you create is less than the existing bytes:${stats.bytes}`);
  }
}

/** SetQuotaCommand.createQuota. */
export async function createQuota(client: ZooKeeperClient, path: string, quota: StatsTrack, out: (line: string) => void): Promise<void> {
  if ((await client.exists(path)) === null) throw new IllegalArgumentError(`${path} does not exist.`);
  await checkIfChildQuota(client, path);
  await checkIfParentQuota(client, path);
  if ((await client.exists(QUOTA_ROOT)) === null) {
    try {
      await client.create('/zookeeper', null, OPEN_ACL_UNSAFE, 'PERSISTENT');
      await client.create(QUOTA_ROOT, null, OPEN_ACL_UNSAFE, 'PERSISTENT');
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
    }
  }
  const splits = javaSplit(path, '/');
  let node = QUOTA_ROOT;
  for (let i = 1; i < splits.length; i++) {
    node += `/${splits[i]}`;
    if ((await client.exists(node)) === null) await createIgnoringExists(client, node, null);
  }
  const statsNode = `${node}/${STAT_NODE}`;
  const limitsNode = `${node}/${LIMIT_NODE}`;
  if ((await client.exists(limitsNode)) === null) {
    await client.create(limitsNode, Buffer.from(quota.toString()), OPEN_ACL_UNSAFE, 'PERSISTENT');
    const fresh = new StatsTrack();
    fresh.set('count', 0n);
    fresh.set('bytes', 0n);
    await client.create(statsNode, Buffer.from(fresh.toString()), OPEN_ACL_UNSAFE, 'PERSISTENT');
    const limits = new StatsTrack((await client.getData(limitsNode)).data);
    const stats = new StatsTrack((await client.getData(statsNode)).data);
    checkQuota(limits, stats, out);
    return;
  }
  const limits = new StatsTrack((await client.getData(limitsNode)).data);
  for (const key of ['count', 'bytes', 'countHardLimit', 'byteHardLimit']) {
    if (quota.get(key) > -1n) limits.set(key, quota.get(key));
  }
  const stats = new StatsTrack((await client.getData(statsNode)).data);
  checkQuota(limits, stats, out);
  await client.setData(limitsNode, Buffer.from(limits.toString()), -1);
}

/** DelQuotaCommand.trimProcQuotas: removes quota nodes left without children, up to /zookeeper/quota. */
async function trimProcQuotas(client: ZooKeeperClient, path: string): Promise<void> {
  for (let p = path; p !== QUOTA_ROOT; p = p.slice(0, p.lastIndexOf('/'))) {
    if ((await client.getChildren(p)).length > 0) return;
    await client.delete(p, -1);
  }
}

/** DelQuotaCommand.delQuota: `which` null removes the whole quota, else the limits whose value is > 0. */
export async function delQuota(client: ZooKeeperClient, path: string, which: StatsTrack | null, out: (line: string) => void): Promise<void> {
  const parent = quotaPath(path);
  const limits = limitPath(path);
  if ((await client.exists(limits)) === null) {
    out(`Quota does not exist for ${path}`);
    return;
  }
  const track = new StatsTrack((await client.getData(limits)).data);
  if (which === null) {
    for (const child of await client.getChildren(parent)) await client.delete(`${parent}/${child}`, -1);
    await trimProcQuotas(client, parent);
    return;
  }
  for (const key of ['count', 'bytes', 'countHardLimit', 'byteHardLimit']) {
    if (which.get(key) > 0n) track.set(key, -1n);
  }
  await client.setData(limits, Buffer.from(track.toString()), -1);
}

/** ListQuotaCommand.listQuota: the limits, then the usage. */
export async function listQuota(client: ZooKeeperClient, path: string): Promise<[StatsTrack, StatsTrack]> {
  const limits = new StatsTrack((await client.getData(limitPath(path))).data);
  const stats = new StatsTrack((await client.getData(statPath(path))).data);
  return [limits, stats];
}
