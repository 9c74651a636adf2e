import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_TABLE } from '../../../src/zookeeper/jute/constants.js';
import {
  BadVersionError,
  ConnectionLossError,
  ERROR_CLASSES,
  errorFromCode,
  NoNodeError,
  NotEmptyError,
  SessionExpiredError,
  SystemError,
  ZooKeeperError,
} from '../../../src/zookeeper/client/errors.js';

test('one class per code in the table, all ZooKeeperErrors with Java messages', () => {
  const codes = ERROR_TABLE.filter((row) => row[0] !== 0);
  assert.equal(Object.keys(ERROR_CLASSES).length, codes.length);
  const names = new Set<string>();
  for (const [code, codeName, message, retriable] of codes) {
    const err = errorFromCode(code, '/x');
    assert.ok(err instanceof ZooKeeperError);
    assert.ok(err instanceof Error);
    assert.equal(err.code, code);
    assert.equal(err.codeName, codeName);
    assert.equal(err.retriable, retriable);
    assert.equal(err.path, '/x');
    assert.equal(err.message, `KeeperErrorCode = ${message} for /x`);
    assert.match(err.name, /^[A-Z][A-Za-z]*Error$/);
    names.add(err.name);
  }
  assert.equal(names.size, codes.length);
});

test('named classes, instanceof and messages without a path', () => {
  const e = new NoNodeError('/a/b');
  assert.ok(e instanceof NoNodeError && e instanceof ZooKeeperError);
  const isBadVersion: boolean = e instanceof BadVersionError;
  assert.equal(isBadVersion, false);
  assert.equal(e.name, 'NoNodeError');
  assert.equal(String(e), 'NoNodeError: KeeperErrorCode = NoNode for /a/b');
  assert.equal(new NotEmptyError('/d').message, 'KeeperErrorCode = Directory not empty for /d');
  assert.equal(new SessionExpiredError().message, 'KeeperErrorCode = Session expired');
  assert.equal(new SystemError().name, 'SystemError');
  assert.equal(ConnectionLossError.code, -4);
  assert.equal(new ConnectionLossError().retriable, true);
  assert.equal(NoNodeError.codeName, 'NONODE');
  assert.ok(errorFromCode(-101) instanceof NoNodeError);
});

test('unknown codes still give a ZooKeeperError', () => {
  const e = errorFromCode(-999, '/p');
  assert.equal(e.constructor, ZooKeeperError);
  assert.equal(e.codeName, 'UNKNOWN');
  assert.equal(e.message, 'KeeperErrorCode = Unknown error -999 for /p');
});
