// One znode tree with every kind of node and ACL, written through the client protocol (to our server or to
// Apache's), and a full dump of a server's tree (data, Stat, ACL, children) to compare two servers by.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CreateMode, OpCode } from '../../src/zookeeper/jute/constants.js';
import type { ACL, Stat } from '../../src/zookeeper/jute/records.generated.js';
import { OPEN_ACL, createBody, type RawZkClient } from '../faults/raw-client.js';

export const ROOT = '/interchange';
export const DIGEST_USER = 'alice:secret';
export const TTL_MS = 3_600_000n;

/** DigestAuthenticationProvider.generateDigest: user:base64(sha1(user:password)). */
export function digestId(userPassword: string): string {
  return `${userPassword.split(':')[0]}:${createHash('sha1').update(userPassword).digest('base64')}`;
}

const ALICE_ALL: ACL = { perms: 31, id: { scheme: 'digest', id: digestId(DIGEST_USER) } };
const WORLD_READ: ACL = { perms: 1, id: { scheme: 'world', id: 'anyone' } };
const IP_ALL: ACL = { perms: 31, id: { scheme: 'ip', id: '127.0.0.1' } };

function text(n: number, seed: string): Buffer {
  return Buffer.from(seed.repeat(Math.ceil(n / seed.length)).slice(0, n));
}

/** Nodes whose data is printable, so zkCli's `get` shows it as it is. */
export const PRINTABLE_PATHS = [
  ROOT,
  `${ROOT}/p`,
  `${ROOT}/p/a`,
  `${ROOT}/sizes/null`,
  `${ROOT}/sizes/empty`,
  `${ROOT}/sizes/one`,
  `${ROOT}/sizes/kib`,
  `${ROOT}/sizes/big`,
  `${ROOT}/sizes/max`,
  `${ROOT}/seq`,
  `${ROOT}/seq/s-0000000000`,
  `${ROOT}/seq/s-0000000002`,
  `${ROOT}/eph`,
  `${ROOT}/container`,
  `${ROOT}/container/c`,
  `${ROOT}/ttl`,
  `${ROOT}/acl/digest`,
  `${ROOT}/acl/ip`,
  `${ROOT}/acl/secret`,
  `${ROOT}/acl/changed`,
  `${ROOT}/multi-a`,
];

async function ok(client: RawZkClient, type: number, body: unknown, what: string) {
  const reply = await client.request(type, body);
  assert.equal(reply.header.err, 0, `${what}: err ${reply.header.err}`);
  return reply;
}

/**
 * Writes the tree under ROOT. `owner` is a second session that creates the ephemerals and is left open by the
 * caller, so they must survive a restart.
 */
export async function writeTree(client: RawZkClient, owner: RawZkClient): Promise<void> {
  const create = (path: string, data: Buffer | null, flags = 0, acl: ACL[] = OPEN_ACL, by = client) =>
    ok(by, OpCode.create, createBody(path, data, flags, acl), `create ${path}`);
  assert.equal((await client.auth('digest', DIGEST_USER)).header.err, 0);
  await create(ROOT, Buffer.from('root of the interchange tree'));
  await create(`${ROOT}/p`, Buffer.from('hello'));
  await ok(client, OpCode.setData, { path: `${ROOT}/p`, data: Buffer.from('hello again'), version: 0 }, 'set /p');
  await ok(client, OpCode.setData, { path: `${ROOT}/p`, data: Buffer.from('hello, third version'), version: 1 }, 'set /p');
  await create(`${ROOT}/p/a`, Buffer.from('a'));
  await create(`${ROOT}/p/b`, Buffer.from('b'));
  await ok(client, OpCode.delete, { path: `${ROOT}/p/b`, version: -1 }, 'delete /p/b');

  await create(`${ROOT}/sizes`, null);
  await create(`${ROOT}/sizes/null`, null);
  await create(`${ROOT}/sizes/empty`, Buffer.alloc(0));
  await create(`${ROOT}/sizes/one`, Buffer.from('x'));
  await create(`${ROOT}/sizes/kib`, text(1024, 'kilobyte '));
  await create(`${ROOT}/sizes/big`, text(100_000, 'one hundred thousand bytes; '));
  await create(`${ROOT}/sizes/max`, text(1_000_000, 'a million bytes, near jute.maxbuffer. '));
  await create(`${ROOT}/sizes/binary`, Buffer.from(Array.from({ length: 512 }, (_, i) => i & 0xff)));

  await create(`${ROOT}/seq`, Buffer.from('sequential parent'));
  for (let i = 0; i < 3; i++) await create(`${ROOT}/seq/s-`, Buffer.from(`seq ${i}`), CreateMode.PERSISTENT_SEQUENTIAL);
  await ok(client, OpCode.delete, { path: `${ROOT}/seq/s-0000000001`, version: -1 }, 'delete seq 1');
  await create(`${ROOT}/seq/e-`, Buffer.from('ephemeral sequential'), CreateMode.EPHEMERAL_SEQUENTIAL, OPEN_ACL, owner);

  await create(`${ROOT}/eph`, Buffer.from('owned by a live session'), CreateMode.EPHEMERAL, OPEN_ACL, owner);

  await ok(client, OpCode.createContainer, createBody(`${ROOT}/container`, Buffer.from('container'), CreateMode.CONTAINER), 'container');
  await create(`${ROOT}/container/c`, Buffer.from('keeps the container'));

  const ttl = (path: string, flags: number) =>
    ok(client, OpCode.createTTL, { ...createBody(path, Buffer.from(`ttl ${path}`), flags), ttl: TTL_MS }, `ttl ${path}`);
  await ttl(`${ROOT}/ttl`, CreateMode.PERSISTENT_WITH_TTL);
  await ttl(`${ROOT}/ttls-`, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL);

  await create(`${ROOT}/acl`, null);
  await create(`${ROOT}/acl/digest`, Buffer.from('digest and world read'), 0, [ALICE_ALL, WORLD_READ]);
  await create(`${ROOT}/acl/ip`, Buffer.from('ip only'), 0, [IP_ALL]);
  await create(`${ROOT}/acl/secret`, Buffer.from('alice only'), 0, [ALICE_ALL]);
  await create(`${ROOT}/acl/changed`, Buffer.from('acl set twice'));
  await ok(client, OpCode.setACL, { path: `${ROOT}/acl/changed`, acl: [{ perms: 7, id: { scheme: 'world', id: 'anyone' } }, ALICE_ALL], version: 0 }, 'setACL');
  await ok(client, OpCode.setACL, { path: `${ROOT}/acl/changed`, acl: [WORLD_READ, ALICE_ALL], version: 1 }, 'setACL');

  const multi = await ok(
    client,
    OpCode.multi,
    [
      { type: OpCode.create, request: createBody(`${ROOT}/multi-a`, Buffer.from('made by a multi')) },
      { type: OpCode.setData, request: { path: `${ROOT}/p/a`, data: Buffer.from('a, set by a multi'), version: 0 } },
    ],
    'multi',
  );
  assert.ok((multi.body as Array<{ err: number }>).every((r) => r.err === 0), 'multi results');
}

export interface NodeDump {
  data: string | null;
  stat: Stat;
  acl: ACL[];
  children: string[];
}

/** Reads every node under `root` (the client should hold the digest auth that opens the ACL'd nodes). */
export async function dumpTree(client: RawZkClient, root = '/'): Promise<Map<string, NodeDump>> {
  const out = new Map<string, NodeDump>();
  const todo = [root];
  while (todo.length > 0) {
    const path = todo.shift()!;
    const [data, acl, children] = await Promise.all([
      client.request(OpCode.getData, { path, watch: false }),
      client.request(OpCode.getACL, { path }),
      client.request(OpCode.getChildren, { path, watch: false }),
    ]);
    for (const [what, r] of [['getData', data], ['getACL', acl], ['getChildren', children]] as const) {
      assert.equal(r.header.err, 0, `${what} ${path}: err ${r.header.err}`);
    }
    const d = data.body as { data: Buffer | null; stat: Stat };
    const names = ((children.body as { children: string[] | null }).children ?? []).slice().sort();
    out.set(path, { data: d.data === null ? null : d.data.toString('hex'), stat: d.stat, acl: (acl.body as { acl: ACL[] }).acl, children: names });
    for (const name of names) todo.push(path === '/' ? `/${name}` : `${path}/${name}`);
  }
  return out;
}

/** Every difference between two dumps, one line each. */
export function dumpDifferences(expected: Map<string, NodeDump>, actual: Map<string, NodeDump>): string[] {
  const diffs: string[] = [];
  const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `0x${x.toString(16)}` : x));
  for (const path of new Set([...expected.keys(), ...actual.keys()])) {
    const e = expected.get(path);
    const a = actual.get(path);
    if (!e || !a) {
      diffs.push(`${path}: ${e ? 'missing' : 'unexpected'}`);
      continue;
    }
    for (const key of ['data', 'acl', 'children'] as const) {
      if (json(e[key]) !== json(a[key])) diffs.push(`${path}: ${key} ${json(e[key]).slice(0, 120)} != ${json(a[key]).slice(0, 120)}`);
    }
    for (const key of Object.keys(e.stat) as Array<keyof Stat>) {
      if (e.stat[key] !== a.stat[key]) diffs.push(`${path}: stat.${key} ${json(e.stat[key])} != ${json(a.stat[key])}`);
    }
  }
  return diffs;
}
