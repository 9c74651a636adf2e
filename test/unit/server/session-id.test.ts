import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialSessionId, sessionPassword } from '../../../src/zookeeper/server/session-id.js';

test('password is java.util.Random(sessionId ^ 0xB3415C00).nextBytes(16), as Apache 3.8.0 answered', () => {
  // ConnectResponse recorded from Apache ZooKeeper 3.8.0 (session.jsonl).
  assert.equal(sessionPassword(0x100005f3ac60000n).toString('hex'), 'd8641df88531d320765f065dd6f1e43f');
});

test('session ids carry the server id in the top byte', () => {
  const id = initialSessionId(1_700_000_000_000, 1);
  assert.equal(id >> 56n, 1n);
  assert.equal(initialSessionId(1_700_000_000_000, 3) >> 56n, 3n);
});
