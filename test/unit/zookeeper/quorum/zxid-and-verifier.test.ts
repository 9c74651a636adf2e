import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MajorityQuorumVerifier } from '../../../../src/zookeeper/quorum/quorum-verifier.js';
import { counterOf, epochOf, makeZxid, zxidHex } from '../../../../src/zookeeper/quorum/zxid.js';

test('zxid is epoch << 32 | counter', () => {
  assert.equal(makeZxid(5, 7), 0x500000007n);
  assert.equal(makeZxid(0xffffffff, 0xffffffff), 0xffffffffffffffffn);
  assert.equal(epochOf(0x500000007n), 5);
  assert.equal(counterOf(0x500000007n), 7);
  assert.equal(epochOf(-1n), 0xffffffff, 'a signed long read from the wire');
  assert.equal(zxidHex(0x100000001n), '0x100000001');
});

test('majority of voters; observers neither count nor change the quorum size', () => {
  const v = new MajorityQuorumVerifier([
    { sid: 1n, type: 'participant' }, { sid: 2n, type: 'participant' }, { sid: 3n, type: 'participant' }, { sid: 4n, type: 'participant' },
    { sid: 9n, type: 'observer' },
  ]);
  assert.equal(v.containsQuorum([1n, 2n]), false, '2 of 4 is not a strict majority');
  assert.equal(v.containsQuorum([1n, 2n, 9n]), false);
  assert.equal(v.containsQuorum([1n, 2n, 3n]), true);
  assert.equal(v.containsQuorum([1n, 1n, 2n]), false, 'duplicates count once');
  assert.deepEqual(v.allMembers(), [1n, 2n, 3n, 4n, 9n]);
  assert.throws(() => new MajorityQuorumVerifier([{ sid: 1n, type: 'participant' }, { sid: 1n, type: 'observer' }]), /listed twice/);
  assert.throws(() => new MajorityQuorumVerifier([{ sid: 1n, type: 'observer' }]), /at least one participant/);
});
