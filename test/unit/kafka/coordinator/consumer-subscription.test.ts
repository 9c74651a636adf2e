// Cross-check of the consumer subscription format against kafkajs's own encoder/decoder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import kafkajs from 'kafkajs';
import { encodeConsumerSubscription, subscribedTopicsOf } from '../../../../src/kafka/coordinator/consumer-subscription.js';

const { AssignerProtocol } = kafkajs;

test('topics read from a subscription kafkajs encoded; kafkajs reads ours', () => {
  const theirs = AssignerProtocol.MemberMetadata.encode({ version: 1, topics: ['orders', 'été'], userData: Buffer.from('u') });
  assert.deepEqual(subscribedTopicsOf(theirs), ['orders', 'été']);
  const decoded = AssignerProtocol.MemberMetadata.decode(encodeConsumerSubscription(['a', 'b']));
  assert.deepEqual(decoded?.topics, ['a', 'b']);
});

test('bytes that are not a subscription give null, never a throw', () => {
  assert.equal(subscribedTopicsOf(Buffer.from('m')), null);
  assert.equal(subscribedTopicsOf(Buffer.from('0000000000050001', 'hex')), null);
  assert.equal(subscribedTopicsOf(Buffer.from('00000000000100ff61', 'hex')), null);
  assert.deepEqual(subscribedTopicsOf(Buffer.from('000000000000', 'hex')), []);
});
