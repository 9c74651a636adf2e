import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpCode } from '../../../src/zookeeper/jute/constants.js';
import { Chroot } from '../../../src/zookeeper/client/paths.js';
import { createOpcode, Op, OPEN_ACL_UNSAFE, toMultiOp, toOpResult, Transaction, validateOp, validateTTL } from '../../../src/zookeeper/client/transaction.js';

test('create opcodes as Java picks them', () => {
  assert.equal(createOpcode(0, OpCode.create), OpCode.create);
  assert.equal(createOpcode(3, OpCode.create2), OpCode.create2);
  assert.equal(createOpcode(4, OpCode.create), OpCode.createContainer);
  assert.equal(createOpcode(5, OpCode.create2), OpCode.createTTL);
  assert.equal(createOpcode(6, OpCode.create), OpCode.createTTL);
});

test('ttl rules of EphemeralType.validateTTL', () => {
  validateTTL(5, 1);
  validateTTL(0, -1);
  assert.throws(() => validateTTL(5, -1), /ttl must be positive/);
  assert.throws(() => validateTTL(6, 2 ** 40), /ttl must be positive/);
  assert.throws(() => validateTTL(1, 10), { message: 'ttl not valid for mode: EPHEMERAL' });
});

test('multi ops get server paths and the right records; results lose the chroot', () => {
  const c = new Chroot('/app');
  assert.deepEqual(toMultiOp(Op.create('/a', 'x', undefined, 'PERSISTENT_WITH_TTL', 100), c), {
    type: OpCode.createTTL,
    request: { path: '/app/a', data: Buffer.from('x'), acl: OPEN_ACL_UNSAFE, flags: 5, ttl: 100n },
  });
  assert.deepEqual(toMultiOp(Op.check('/', 3), c), { type: OpCode.check, request: { path: '/app', version: 3 } });
  assert.deepEqual(toMultiOp(Op.getChildren('/k'), c), { type: OpCode.getChildren, request: { path: '/app/k', watch: false } });
  assert.deepEqual(toOpResult({ type: OpCode.create, err: 0, response: { path: '/app/a0000000001' } }, c), { type: 'create', path: '/a0000000001' });
  assert.deepEqual(toOpResult({ type: OpCode.error, err: -101, response: { err: -101 } }, c), { type: 'error', err: -101 });
  assert.deepEqual(toOpResult({ type: OpCode.getChildren, err: 0, response: { children: null } }, c), { type: 'getChildren', children: [] });
});

test('op validation and the transaction builder', async () => {
  assert.throws(() => validateOp(Op.delete('x')), /must start with \//);
  validateOp(Op.create('/q/', null, undefined, 'PERSISTENT_SEQUENTIAL'));
  let seen: unknown[] = [];
  const t = new Transaction(async (ops) => {
    seen = ops;
    return [];
  });
  await t.create('/a').setData('/a', 'v', 2).check('/a', 3).delete('/a').commit();
  assert.deepEqual(seen.map((o) => (o as { type: string }).type), ['create', 'setData', 'check', 'delete']);
});
