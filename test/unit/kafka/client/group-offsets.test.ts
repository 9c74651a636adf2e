// A group member's committed-offset fetch asks for stable offsets only (as the Java consumer does): while a
// transaction's offsets for a partition await its marker the coordinator answers UNSTABLE_OFFSET_COMMIT, and the
// fetch is retried past the usual retry count until they are settled or max.poll.interval.ms has passed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchCommittedOffsets } from '../../../../src/kafka/client/consumer/group/group-offsets.js';
import type { GroupMembership } from '../../../../src/kafka/client/consumer/group/group-membership.js';
import { ErrorCode } from '../../../../src/kafka/protocol/index.js';
import type { OffsetFetchRequest, OffsetFetchResponse } from '../../../../src/kafka/protocol/schemas/offset-fetch.js';

function fakeMembership(answers: number[], rebalanceTimeoutMs: number) {
  const requests: OffsetFetchRequest[] = [];
  const membership = {
    options: { groupId: 'g', rebalanceTimeoutMs },
    cluster: { retry: { retries: 2, retryBackoffMs: 1, retryBackoffMaxMs: 2 } },
    noteCoordinatorError() {},
    async send(_apiKey: number, build: (version: number) => OffsetFetchRequest): Promise<OffsetFetchResponse> {
      requests.push(build(7));
      const errorCode = answers.shift() ?? ErrorCode.NONE;
      return { throttleTimeMs: 0, errorCode: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: errorCode === 0 ? 42n : -1n, committedLeaderEpoch: -1, metadata: '', errorCode }] }] };
    },
  };
  return { membership: membership as unknown as GroupMembership, requests };
}

test('UNSTABLE_OFFSET_COMMIT is waited out beyond the retry count; the request asks for stable offsets', async () => {
  const { membership, requests } = fakeMembership(Array(8).fill(ErrorCode.UNSTABLE_OFFSET_COMMIT), 60_000);
  const offsets = await fetchCommittedOffsets(membership, [{ topic: 't', partition: 0 }]);
  assert.deepEqual([...offsets], [['t-0', 42n]]);
  assert.equal(requests.length, 9);
  assert.ok(requests.every((r) => r.requireStable === true));
});

test('past max.poll.interval.ms an unstable partition fails the fetch like any other retriable error', async () => {
  const { membership } = fakeMembership(Array(20).fill(ErrorCode.UNSTABLE_OFFSET_COMMIT), 0);
  await assert.rejects(fetchCommittedOffsets(membership, [{ topic: 't', partition: 0 }]), (err: Error) => /UNSTABLE_OFFSET_COMMIT|unstable/i.test(`${err.name} ${err.message}`));
});
