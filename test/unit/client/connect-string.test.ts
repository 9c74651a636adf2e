import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HostProvider, parseConnectString, shuffled } from '../../../src/zookeeper/client/connect-string.js';
import { IllegalArgumentError } from '../../../src/zookeeper/client/errors.js';

test('hosts with and without ports, IPv6, chroot', () => {
  assert.deepEqual(parseConnectString('a:1,b,c:3/app/x'), {
    hosts: [
      { host: 'a', port: 1 },
      { host: 'b', port: 2181 },
      { host: 'c', port: 3 },
    ],
    chroot: '/app/x',
  });
  assert.deepEqual(parseConnectString('[::1]:2182, [fe80::1] ,h:'), {
    hosts: [
      { host: '::1', port: 2182 },
      { host: 'fe80::1', port: 2181 },
      { host: 'h', port: 2181 },
    ],
    chroot: null,
  });
});

test('"/" chroot is no chroot; empty entries are skipped', () => {
  assert.deepEqual(parseConnectString('h:1,,/'), { hosts: [{ host: 'h', port: 1 }], chroot: null });
});

test('bad connect strings are rejected with Java messages', () => {
  assert.throws(() => parseConnectString(''), { message: 'A HostProvider may not be empty!' });
  assert.throws(() => parseConnectString('/app'), IllegalArgumentError);
  assert.throws(() => parseConnectString('h:1/app/'), { message: 'Path must not end with / character' });
  assert.throws(() => parseConnectString('h:x'), IllegalArgumentError);
  assert.throws(() => parseConnectString('h:1//a'), /empty node name/);
});

test('shuffle is driven by the injected random', () => {
  const items = [1, 2, 3, 4];
  assert.deepEqual(shuffled(items, () => 0.999), [1, 2, 3, 4]);
  assert.deepEqual(shuffled(items, () => 0), [2, 3, 4, 1]);
  assert.deepEqual(items, [1, 2, 3, 4]);
});

test('host provider: round robin, spin delay after a full failed cycle, none before the first attempt', () => {
  const p = new HostProvider([{ host: 'a', port: 1 }, { host: 'b', port: 2 }], () => 0.999);
  const seq = Array.from({ length: 5 }, () => p.next(1000)).map((h) => `${h.host}:${h.delayMs}`);
  assert.deepEqual(seq, ['a:0', 'b:0', 'a:1000', 'b:0', 'a:1000']);
  // After connecting to b, the pause comes when the cycle returns to b.
  p.next(1000); // b
  p.onConnected();
  assert.deepEqual([p.next(1000), p.next(1000)].map((h) => `${h.host}:${h.delayMs}`), ['a:0', 'b:1000']);
  const single = new HostProvider([{ host: 'x', port: 1 }]);
  assert.deepEqual([single.next(50), single.next(50)].map((h) => h.delayMs), [0, 50]);
});
