// Shared by the storage tests: temporary data dirs and a realistic mix of txns.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OpCode } from '../../../src/zookeeper/jute/constants.js';
import type { ACL, StatPersisted } from '../../../src/zookeeper/jute/records.generated.js';
import { encodeTxn, type Txn, type TxnBody } from '../../../src/zookeeper/tree/txn.js';
import type { SnapshotNode } from '../../../src/zookeeper/storage/snapshot.js';

export const OPEN: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
export const READ: ACL[] = [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }];

export function tmpDir(prefix = 'zk-storage-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function rmDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export const SESSION = 0x100000abcdef01n;

/** Txn number i (zxid = first + i) cycling through the common types. */
export function sampleTxn(zxid: bigint, i = Number(zxid)): Txn {
  const hdr = { clientId: SESSION, cxid: i, zxid, time: 1_700_000_000_000n + BigInt(i), type: 0 };
  let body: TxnBody;
  switch (i % 6) {
    case 0:
      body = { type: OpCode.createSession, record: { timeOut: 30000 } };
      break;
    case 1:
      body = { type: OpCode.create, record: { path: `/n${i}`, data: Buffer.from(`data-${i}`), acl: OPEN, ephemeral: false, parentCVersion: i } };
      break;
    case 2:
      body = { type: OpCode.setData, record: { path: `/n${i - 1}`, data: Buffer.from(`v${i}`), version: 1 } };
      break;
    case 3:
      body = {
        type: OpCode.multi,
        record: {
          txns: [
            { type: OpCode.create, record: { path: `/m${i}`, data: null, acl: OPEN, ephemeral: false, parentCVersion: 1 } },
            { type: OpCode.delete, record: { path: `/m${i}` } },
          ],
        },
      };
      break;
    case 4:
      body = { type: OpCode.delete, record: { path: `/n${i - 3}` } };
      break;
    default:
      body = { type: OpCode.closeSession, record: { paths2Delete: [] } };
  }
  hdr.type = body.type;
  return { hdr, body };
}

export function sampleTxns(first: bigint, count: number): Txn[] {
  return Array.from({ length: count }, (_, i) => sampleTxn(first + BigInt(i)));
}

export function txnBytes(t: Txn): string {
  return encodeTxn(t).toString('hex');
}

export function stat(zxid: bigint, extra: Partial<StatPersisted> = {}): StatPersisted {
  return { czxid: zxid, mzxid: zxid, ctime: 1000n, mtime: 1000n, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, pzxid: zxid, ...extra };
}

export function sampleTree(): SnapshotNode[] {
  return [
    { path: '', data: Buffer.alloc(0), acl: null, stat: stat(0n, { cversion: 2, pzxid: 3n }) },
    { path: '/a', data: Buffer.from('x'), acl: OPEN, stat: stat(2n) },
    { path: '/a/b', data: null, acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], stat: stat(3n, { ephemeralOwner: SESSION }) },
    { path: '/zookeeper', data: Buffer.alloc(0), acl: null, stat: stat(0n) },
    { path: '/zookeeper/config', data: Buffer.alloc(0), acl: READ, stat: stat(0n, { aversion: -1 }) },
    { path: '/zookeeper/quota', data: Buffer.alloc(0), acl: null, stat: stat(0n) },
  ];
}
