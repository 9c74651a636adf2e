import { createRequire } from 'node:module';
import type { ACL, Id } from '../jute/records.generated.js';
import { Perms } from '../jute/constants.js';
import { javaStringHash } from './java-hash-order.js';

export const OPEN_ACL_UNSAFE: ACL[] = [{ perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } }];
export const READ_ACL_UNSAFE: ACL[] = [{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }];

// node:crypto takes several milliseconds to load (OpenSSL): a server loads it at its first digest login, not at start.
let crypto: typeof import('node:crypto') | null = null;

/** DigestAuthenticationProvider.generateDigest: "user:password" → "user:BASE64(SHA1(user:password))". */
export function generateDigest(idPassword: string): string {
  const user = idPassword.split(':')[0];
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return `${user}:${crypto.createHash('sha1').update(idPassword, 'utf8').digest('base64')}`;
}

export function aclKey(acl: ACL[] | null): string {
  if (acl === null) return 'null';
  return acl.map((a) => `${a.perms}:${a.id.scheme}:${a.id.id}`).join(',');
}

function isOpenAcl(a: ACL): boolean {
  const open = OPEN_ACL_UNSAFE[0]!;
  return a.perms === open.perms && a.id.scheme === open.id.scheme && a.id.id === open.id.id;
}

/** Shares identical ACL lists between nodes, as Apache's ReferenceCountedACLCache does. */
export class AclInterner {
  private readonly lists = new Map<string, ACL[]>();

  constructor() {
    this.lists.set(aclKey(OPEN_ACL_UNSAFE), OPEN_ACL_UNSAFE);
  }

  intern(acl: ACL[] | null): ACL[] | null {
    if (acl === null) return null;
    if (acl.length === 1 && isOpenAcl(acl[0]!)) return OPEN_ACL_UNSAFE;
    const key = aclKey(acl);
    let shared = this.lists.get(key);
    if (!shared) this.lists.set(key, (shared = acl.map((a) => ({ perms: a.perms, id: { scheme: a.id.scheme, id: a.id.id } }))));
    return shared;
  }
}

function ipToBytes(ip: string): number[] | null {
  if (ip.startsWith('::ffff:') && ip.includes('.')) ip = ip.slice(7);
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** IPAuthenticationProvider.matches: exact address or a.b.c.d/bits. */
export function ipMatches(clientIp: string, aclId: string): boolean {
  const [addr, bitsText] = aclId.split('/');
  const want = ipToBytes(addr);
  const have = ipToBytes(clientIp);
  if (!want || !have) return clientIp === aclId;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  for (let i = 0; i < 4; i++) {
    const maskBits = Math.max(0, Math.min(8, bits - i * 8));
    const mask = maskBits === 0 ? 0 : (0xff << (8 - maskBits)) & 0xff;
    if ((want[i] & mask) !== (have[i] & mask)) return false;
  }
  return true;
}

export function isValidIpAcl(id: string): boolean {
  const [addr, bits, extra] = id.split('/');
  if (extra !== undefined) return false;
  if (bits !== undefined && !/^\d+$/.test(bits)) return false;
  return ipToBytes(addr) !== null || /^[0-9a-fA-F:]+$/.test(addr);
}

/** Whether `auth` (the ids a connection holds) grants `perm` on a node with `acl`. */
export function aclAllows(acl: ACL[] | null, perm: number, auth: readonly Id[], clientIp: string): boolean {
  if (acl === null || acl.length === 0) return true;
  for (const id of auth) if (id.scheme === 'super') return true;
  for (const a of acl) {
    if ((a.perms & perm) === 0) continue;
    const scheme = a.id.scheme;
    if (scheme === 'world' && a.id.id === 'anyone') return true;
    if (scheme === 'ip') {
      if (a.id.id !== null && ipMatches(clientIp, a.id.id)) return true;
      continue;
    }
    for (const id of auth) if (id.scheme === scheme && id.id === a.id.id) return true;
  }
  return false;
}

/** The jute-generated Id.hashCode: 37 * (37 * 17 + scheme.hashCode()) + id.hashCode(). */
function javaIdHash(id: Id): number {
  const h = (Math.imul(37, 17) + javaStringHash(id.scheme ?? '')) | 0;
  return (Math.imul(37, h) + javaStringHash(id.id ?? '')) | 0;
}

/**
 * Adds an authenticated id to a connection's list, keeping the order Apache's set of ids iterates in (a
 * ConcurrentHashMap: 16 bins, doubled at 3/4 full, insertion order within a bin). whoAmI and the expansion of
 * `auth` ACLs list the ids in that order.
 */
export function addAuthId(ids: Id[], id: Id): void {
  if (ids.some((a) => a.scheme === id.scheme && a.id === id.id)) return;
  ids.push(id);
  let capacity = 16;
  while (ids.length >= capacity * 0.75) capacity *= 2;
  const bin = (a: Id) => {
    const h = javaIdHash(a);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  const ordered = ids.map((a, i) => ({ a, b: bin(a), i })).sort((x, y) => x.b - y.b || x.i - y.i).map((x) => x.a);
  ids.splice(0, ids.length, ...ordered);
}
