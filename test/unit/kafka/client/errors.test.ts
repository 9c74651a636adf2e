// The generated error classes: one per code in the protocol's table, with its retriable flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allErrors } from '../../../../src/kafka/protocol/errors.js';
import {
  ERROR_CLASSES,
  KafkaProtocolError,
  NotLeaderOrFollowerError,
  TopicAlreadyExistsError,
  UnknownServerError,
  kafkaError,
  isRetriable,
} from '../../../../src/kafka/client/errors/index.js';
import { backoffMs } from '../../../../src/kafka/client/cluster/retry.js';

test('every error code of the protocol table has a class with its code and retriable flag', () => {
  const codes = allErrors().filter((e) => e.code !== 0);
  assert.equal(ERROR_CLASSES.size, codes.length);
  for (const info of codes) {
    const err = kafkaError(info.code);
    assert.ok(err instanceof ERROR_CLASSES.get(info.code)!);
    assert.equal(err.code, info.code);
    assert.equal(err.errorName, info.name);
    assert.equal(err.retriable, info.retriable, info.name);
    assert.equal(isRetriable(err), info.retriable);
  }
});

test('named classes, messages with context, and an unknown code kept as an unknown server error', () => {
  const e = kafkaError(6, null, 'orders-0');
  assert.ok(e instanceof NotLeaderOrFollowerError && e.retriable);
  assert.match(e.message, /^orders-0: For requests intended only for the leader/);
  assert.equal(e.name, 'NotLeaderOrFollowerError');
  const t = kafkaError(36, "Topic 'x' already exists.");
  assert.ok(t instanceof TopicAlreadyExistsError && !t.retriable);
  assert.equal(t.message, "Topic 'x' already exists.");
  const u = kafkaError(9999);
  assert.ok(u instanceof KafkaProtocolError && !(u instanceof UnknownServerError));
  assert.equal(u.code, 9999);
  assert.equal(u.retriable, false);
});

test('backoff doubles from retry.backoff.ms up to retry.backoff.max.ms, within 20% jitter', () => {
  const o = { retries: 10, retryBackoffMs: 100, retryBackoffMaxMs: 1000 };
  assert.deepEqual([0, 1, 2, 3, 4, 8].map((a) => backoffMs(a, o, () => 0.5)), [100, 200, 400, 800, 1000, 1000]);
  assert.equal(backoffMs(0, o, () => 0), 80);
  assert.equal(backoffMs(0, o, () => 1), 120);
});
