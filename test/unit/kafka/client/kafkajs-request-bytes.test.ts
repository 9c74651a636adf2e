// Requests the client library builds, encoded at a version kafkajs recorded, give kafkajs's exact bytes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiKey, decodeMessage, encodeMessage, REQUEST_SCHEMAS } from '../../../../src/kafka/protocol/index.js';
import { crc32c, RecordBatchView, readRecords } from '../../../../src/kafka/protocol/records/index.js';
import {
  adminOffsetCommitRequest,
  alterConfigsRequest,
  createPartitionsRequest,
  createTopicsRequest,
  deleteRecordsRequest,
  deleteTopicsRequest,
  describeConfigsRequest,
  describeGroupsRequest,
  findGroupCoordinatorRequest,
  listOffsetsRequest,
  offsetFetchRequest,
} from '../../../../src/kafka/client/admin/admin-requests.js';
import { fetchRequest } from '../../../../src/kafka/client/consumer/fetch-request.js';
import { initProducerIdRequest } from '../../../../src/kafka/client/producer/idempotence.js';
import { encodeProducerBatch, produceRequest } from '../../../../src/kafka/client/producer/produce-request.js';
import { KAFKAJS_FIXTURES_DIR } from '../../../support/fixtures-dir.js';

const skip = existsSync(KAFKAJS_FIXTURES_DIR) ? false : `${KAFKAJS_FIXTURES_DIR} is missing`;

function fixture(api: string, file: string): Buffer {
  return Buffer.from(JSON.parse(readFileSync(join(KAFKAJS_FIXTURES_DIR, api, file), 'utf8')).data);
}

function same(apiKey: ApiKey, version: number, body: unknown, api: string, file: string): void {
  const expected = fixture(api, file);
  const actual = encodeMessage(REQUEST_SCHEMAS[apiKey], version, body);
  assert.equal(actual.toString('hex'), expected.toString('hex'), `${api}/${file}`);
}

/** Topic names in the fixtures are random per recording: read them back from the fixture. */
function fixtureBody(apiKey: ApiKey, version: number, api: string, file: string): any {
  return decodeMessage(REQUEST_SCHEMAS[apiKey], version, fixture(api, file));
}

describe('client request bodies against kafkajs recordings', { skip }, () => {
  test('CreateTopics v0-v2', () => {
    for (const [v, validateOnly] of [[0, false], [1, true], [2, false]] as const) {
      const names = fixtureBody(ApiKey.CreateTopics, v, 'createTopics', `v${v}_request.json`).topics.map((t: any) => t.name);
      same(ApiKey.CreateTopics, v, createTopicsRequest(names.map((name: string) => ({ name })), 5000, validateOnly), 'createTopics', `v${v}_request.json`);
    }
  });

  test('DeleteTopics v0-v1', () => {
    for (const v of [0, 1]) {
      const names = fixtureBody(ApiKey.DeleteTopics, v, 'deleteTopics', `v${v}_request.json`).topicNames;
      same(ApiKey.DeleteTopics, v, deleteTopicsRequest(names, 5000, v), 'deleteTopics', `v${v}_request.json`);
    }
  });

  test('CreatePartitions v0-v1, with and without an assignment', () => {
    for (const v of [0, 1]) {
      const [a, b] = fixtureBody(ApiKey.CreatePartitions, v, 'createPartitions', `v${v}_request.json`).topics.map((t: any) => t.name);
      const body = createPartitionsRequest([{ topic: a, count: 3 }, { topic: b, count: 5, assignments: [[0], [1], [2]] }], 5000, false);
      same(ApiKey.CreatePartitions, v, body, 'createPartitions', `v${v}_request.json`);
    }
  });

  test('DescribeConfigs v0 (topic and broker resources) and v1 with synonyms', () => {
    const topic = fixtureBody(ApiKey.DescribeConfigs, 0, 'describeConfigs', 'v0_request.json').resources[0].resourceName;
    same(ApiKey.DescribeConfigs, 0, describeConfigsRequest([{ type: 2, name: topic, keys: ['compression.type', 'retention.ms'] }], false, 0), 'describeConfigs', 'v0_request.json');
    same(ApiKey.DescribeConfigs, 0, describeConfigsRequest([{ type: 4, name: '0', keys: ['sasl.kerberos.service.name'] }], false, 0), 'describeConfigs', 'v0_request_broker_config.json');
    same(ApiKey.DescribeConfigs, 0, describeConfigsRequest([{ type: 2, name: 'topic-test2', keys: ['retention.ms'] }], false, 0), 'describeConfigs', 'v0_request_topic_config.json');
    same(ApiKey.DescribeConfigs, 1, describeConfigsRequest([{ type: 2, name: 'topic-test1', keys: ['compression.type', 'retention.ms'] }], true, 1), 'describeConfigs', 'v1_request.json');
  });

  test('AlterConfigs v0', () => {
    const topic = fixtureBody(ApiKey.AlterConfigs, 0, 'alterConfigs', 'v0_request.json').resources[0].resourceName;
    same(ApiKey.AlterConfigs, 0, alterConfigsRequest([{ type: 2, name: topic, configs: { 'cleanup.policy': 'compact' } }], false), 'alterConfigs', 'v0_request.json');
  });

  test('DeleteRecords v0', () => {
    const topic = fixtureBody(ApiKey.DeleteRecords, 0, 'deleteRecords', 'v0_request.json').topics[0].name;
    same(ApiKey.DeleteRecords, 0, deleteRecordsRequest([{ topic, partition: 0, offset: 7n }], 5000), 'deleteRecords', 'v0_request.json');
  });

  test('ListOffsets v0-v2', () => {
    for (const v of [0, 1, 2]) {
      const topic = fixtureBody(ApiKey.ListOffsets, v, 'listOffsets', `v${v}_request.json`).topics[0].name;
      same(ApiKey.ListOffsets, v, listOffsetsRequest([{ topic, partition: 0, timestamp: 1509285569484n }], 0, v), 'listOffsets', `v${v}_request.json`);
    }
  });

  test('DescribeGroups v0-v1, FindCoordinator v0-v1, OffsetFetch v1-v3, admin OffsetCommit v0', () => {
    for (const v of [0, 1]) {
      const groups = fixtureBody(ApiKey.DescribeGroups, v, 'describeGroups', `v${v}_request.json`).groups;
      same(ApiKey.DescribeGroups, v, describeGroupsRequest(groups), 'describeGroups', `v${v}_request.json`);
    }
    same(ApiKey.FindCoordinator, 0, findGroupCoordinatorRequest('test-topic', 0), 'findCoordinator', 'v0_request.json');
    same(ApiKey.FindCoordinator, 1, findGroupCoordinatorRequest('group-id', 1), 'findCoordinator', 'v1_request.json');
    for (const v of [1, 2, 3]) {
      const body = fixtureBody(ApiKey.OffsetFetch, v, 'offsetFetch', `v${v}_request.json`);
      same(ApiKey.OffsetFetch, v, offsetFetchRequest(body.groupId, [{ topic: body.topics[0].name, partitions: [0] }], v), 'offsetFetch', `v${v}_request.json`);
    }
    for (const [file, metadata] of [['v0_request.json', null], ['v0_request_metadata.json', 'test']] as const) {
      const body = fixtureBody(ApiKey.OffsetCommit, 0, 'offsetCommit', file);
      same(ApiKey.OffsetCommit, 0, adminOffsetCommitRequest(body.groupId, [{ topic: body.topics[0].name, partition: 0, offset: 0n, metadata }]), 'offsetCommit', file);
    }
  });

  test('InitProducerId v0', () => {
    same(ApiKey.InitProducerId, 0, initProducerIdRequest('initproduceridtransaction', 30000), 'initProducerId', 'v0_request.json');
  });

  test('Fetch v5-v11 of a consumer', () => {
    for (const v of [5, 6, 7, 8, 9, 10, 11]) {
      const topic = fixtureBody(ApiKey.Fetch, v, 'fetch', `v${v}_request.json`).topics[0].topic;
      const settings = { maxWaitMs: 100, minBytes: 1, maxBytes: 10485760, isolationLevel: 1, rackId: v >= 11 ? 'rack1' : undefined };
      same(ApiKey.Fetch, v, fetchRequest(settings, [{ topic, partition: 0, fetchOffset: 0n, partitionMaxBytes: 1048576 }], v), 'fetch', `v${v}_request.json`);
    }
  });

  test('Produce v3-v7 requests around the recorded batch', () => {
    for (const v of [3, 4, 5, 6, 7]) {
      const body = fixtureBody(ApiKey.Produce, v, 'produce', `v${v}_request.json`);
      const p = body.topicData[0];
      same(ApiKey.Produce, v, produceRequest(body.acks, 30000, [{ topic: p.name, partition: 0, records: p.partitionData[0].records }]), 'produce', `v${v}_request.json`);
    }
  });

  test('an idempotent producer batch equals kafkajs\'s but for the partition leader epoch, which Java clients leave at -1', async () => {
    const recorded: Buffer = fixtureBody(ApiKey.Produce, 7, 'produce', 'v7_request.json').topicData[0].partitionData[0].records;
    const view = new RecordBatchView(recorded, 0);
    const records = (await readRecords(view)).map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers.map((h) => ({ key: h.key, value: h.value })) }));
    const ours = await encodeProducerBatch(records, { compression: 0, producerId: BigInt(view.producerId), producerEpoch: view.producerEpoch, baseSequence: view.baseSequence });
    assert.equal(ours.readInt32BE(12), -1);
    const expected = Buffer.from(recorded);
    expected.writeInt32BE(-1, 12);
    expected.writeUInt32BE(crc32c(expected.subarray(21)), 17);
    assert.equal(ours.toString('hex'), expected.toString('hex'));
  });
});
