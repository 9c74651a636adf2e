// The leader's session owners (SESSIONMOVED) and the read-only request chain, without processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Err, OpCode } from '../../../src/zookeeper/jute/constants.js';
import { SessionOwners, sessionMovedTxn } from '../../../src/zookeeper/ensemble/session-owners.js';
import { NOT_READ_ONLY_OPS } from '../../../src/zookeeper/server/read-only-pipeline.js';
import { readOnlyModeRequested } from '../../../src/zookeeper/ensemble/read-only-mode.js';
import type { Request } from '../../../src/zookeeper/server/request.js';

const req = (type: number, sessionId = 0x100n, extra: Partial<Request> = {}): Request => ({
  sessionId, xid: 7, type, body: null, auth: [], clientIp: '', conn: null, receivedAtMs: 0, ...extra,
});

test('session owners: createSession and revalidation attach a session; writes through another server are refused', () => {
  const owners = new SessionOwners();
  assert.equal(owners.check(req(OpCode.createSession), 1n), true);
  assert.equal(owners.owner(0x100n), 1n);
  assert.equal(owners.check(req(OpCode.create), 1n), true);
  assert.equal(owners.check(req(OpCode.setData), 2n), false);
  // A revalidation through server 2 moves it: now server 1's connection is the stale one.
  owners.set(0x100n, 2n);
  assert.equal(owners.check(req(OpCode.setData), 2n), true);
  assert.equal(owners.check(req(OpCode.delete), 1n), false);
  // closeSession and the server's own requests are never refused.
  assert.equal(owners.check(req(OpCode.closeSession), 1n), true);
  assert.equal(owners.check(req(OpCode.closeSession, 0x100n, { internal: true }), 3n), true);
  // A session this leader has not seen attached takes the first server to write.
  assert.equal(owners.check(req(OpCode.create, 0x200n), 3n), true);
  assert.equal(owners.owner(0x200n), 3n);
  owners.delete(0x100n);
  assert.equal(owners.owner(0x100n), undefined);
  const txn = sessionMovedTxn(req(OpCode.create), 0x500000001n, 1000);
  assert.deepEqual(txn, { hdr: { clientId: 0x100n, cxid: 7, zxid: 0x500000001n, time: 1000n, type: OpCode.error }, body: { type: OpCode.error, record: { err: Err.SESSIONMOVED } } });
});

test('read-only mode: the refused operations and where the switch is read', () => {
  const refused = [OpCode.sync, OpCode.create, OpCode.create2, OpCode.createTTL, OpCode.createContainer, OpCode.delete, OpCode.deleteContainer, OpCode.setData, OpCode.reconfig, OpCode.setACL, OpCode.multi, OpCode.check];
  assert.deepEqual([...NOT_READ_ONLY_OPS].sort((a, b) => a - b), refused.sort((a, b) => a - b));
  for (const op of [OpCode.getData, OpCode.exists, OpCode.getChildren2, OpCode.multiRead, OpCode.ping, OpCode.setWatches]) assert.equal(NOT_READ_ONLY_OPS.has(op), false);
  assert.equal(readOnlyModeRequested(true, {}), true);
  assert.equal(readOnlyModeRequested(false, {}), false);
  assert.equal(readOnlyModeRequested(false, { SERVER_JVMFLAGS: '-Xmx1g -Dreadonlymode.enabled=true' }), true);
  assert.equal(readOnlyModeRequested(false, { KAFKA_OPTS: '-Dreadonlymode.enabled=false' }), false);
});
