import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Chroot, validatePath } from '../../../src/zookeeper/client/paths.js';

test('validatePath accepts what PathUtils accepts', () => {
  for (const p of ['/', '/a', '/a/b.c', '/a/.b', '/a/..b', '/zookeeper', '/ä/ü']) validatePath(p);
  validatePath('/q/', true);
});

test('validatePath rejects with PathUtils messages', () => {
  const cases: [string, string][] = [
    ['', 'Path length must be > 0'],
    ['a', 'Path must start with / character'],
    ['/a/', 'Path must not end with / character'],
    ['/a//b', 'Invalid path string "/a//b" caused by empty node name specified @3'],
    ['/a/./b', 'Invalid path string "/a/./b" caused by relative paths not allowed @3'],
    ['/a/..', 'Invalid path string "/a/.." caused by relative paths not allowed @4'],
    ['/a\u0000', 'Invalid path string "/a\u0000" caused by null character not allowed @2'],
    ['/a\u0001', 'Invalid path string "/a\u0001" caused by invalid character @2'],
    ['/\ud83d\ude00', 'Invalid path string "/\ud83d\ude00" caused by invalid character @1'],
  ];
  for (const [path, message] of cases) assert.throws(() => validatePath(path), { name: 'IllegalArgumentError', message }, path);
  assert.throws(() => validatePath(null as unknown as string), { message: 'Path cannot be null' });
});

test('chroot maps paths both ways and leaves foreign server paths alone', () => {
  const c = new Chroot('/app');
  assert.equal(c.toServer('/'), '/app');
  assert.equal(c.toServer('/x/y'), '/app/x/y');
  assert.equal(c.toClient('/app'), '/');
  assert.equal(c.toClient('/app/x'), '/x');
  assert.equal(c.toClient('/apple'), '/apple');
  assert.equal(c.toClient('/zookeeper/config'), '/zookeeper/config');
  assert.equal(c.contains('/app/x'), true);
  assert.equal(c.contains('/apple'), false);
  const none = new Chroot(null);
  assert.equal(none.toServer('/x'), '/x');
  assert.equal(none.toClient('/x'), '/x');
});
