import assert from 'node:assert/strict';
import { test } from 'node:test';

import { allErrors, ErrorCode, errorInfo, isRetriable } from '../../../../src/kafka/protocol/errors.js';

test('error codes match Kafka (spot checks across the range)', () => {
  assert.equal(ErrorCode.NONE, 0);
  assert.equal(ErrorCode.UNKNOWN_SERVER_ERROR, -1);
  assert.equal(ErrorCode.UNSUPPORTED_VERSION, 35);
  assert.equal(ErrorCode.NOT_CONTROLLER, 41);
  assert.equal(ErrorCode.MEMBER_ID_REQUIRED, 79);
  assert.equal(ErrorCode.UNKNOWN_TOPIC_ID, 100);
});

test('codes and names are unique and every code from -1 to the highest is present', () => {
  const all = allErrors();
  assert.equal(new Set(all.map((e) => e.name)).size, all.length);
  const codes = all.map((e) => e.code).sort((a, b) => a - b);
  assert.deepEqual(codes, Array.from({ length: codes.length }, (_, i) => i - 1));
});

test('retriable flags follow the Java client exceptions', () => {
  for (const code of [2, 3, 5, 6, 7, 13, 14, 15, 16, 19, 20, 41, 56, 74, 75, 89]) assert.equal(isRetriable(code), true, `code ${code}`);
  for (const code of [-1, 0, 1, 8, 10, 22, 25, 27, 35, 36, 42, 79]) assert.equal(isRetriable(code), false, `code ${code}`);
});

test('errorInfo carries the default message; unknown codes become non-retriable unknown server errors', () => {
  assert.deepEqual(errorInfo(35), { code: 35, name: 'UNSUPPORTED_VERSION', retriable: false, message: 'The version of API is not supported.' });
  assert.equal(errorInfo(0).message, null);
  const unknown = errorInfo(30000);
  assert.equal(unknown.code, 30000);
  assert.equal(unknown.name, 'UNKNOWN_SERVER_ERROR');
  assert.equal(unknown.retriable, false);
});
