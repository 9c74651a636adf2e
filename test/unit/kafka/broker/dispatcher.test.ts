import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey, decodeResponse, encodeRequest, ErrorCode } from '../../../../src/kafka/protocol/index.js';
import { LocalBrokerMetadata, ZERO_UUID } from '../../../../src/kafka/broker/broker-metadata.js';
import { Dispatcher, type Dispatched } from '../../../../src/kafka/broker/dispatcher.js';
import { brokerHandlers } from '../../../../src/kafka/broker/handlers/index.js';

const conn = { listenerName: 'PLAINTEXT', clientAddress: '/127.0.0.1:5000', connectionId: 'test-0' };

function broker(): Dispatcher {
  const metadata = new LocalBrokerMetadata(7, 'cluster-A', 'rack-1');
  metadata.setEndpoints([{ listenerName: 'PLAINTEXT', host: 'broker7.example', port: 9092 }]);
  let dispatcher: Dispatcher | undefined;
  dispatcher = new Dispatcher(brokerHandlers({ metadata, versionTable: () => dispatcher!.versionTable() }));
  return dispatcher;
}

/** A frame without its size prefix. */
function unframe(chunks: Buffer[]): Buffer {
  const whole = Buffer.concat(chunks);
  assert.equal(whole.readInt32BE(0), whole.length - 4, 'size prefix');
  return whole.subarray(4);
}

async function answer(d: Dispatcher, frame: Buffer): Promise<Buffer> {
  const out = d.dispatch(frame, 0, frame.length, conn);
  assert.equal(out.kind, 'request', out.kind === 'close' ? out.reason : '');
  const chunks = await (out as Extract<Dispatched, { kind: 'request' }>).response;
  assert.ok(chunks);
  return Buffer.concat(chunks);
}

function closeReason(d: Dispatcher, frame: Buffer): string {
  const out = d.dispatch(frame, 0, frame.length, conn);
  assert.equal(out.kind, 'close');
  return (out as Extract<Dispatched, { kind: 'close' }>).reason;
}

test('the advertised table is exactly the registered handlers, with Kafka 2.8.2 ranges', () => {
  assert.deepEqual(broker().versionTable(), [
    { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 11 },
    { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 3 },
  ]);
});

// Hand-built: request header v1 (key, version, correlation id, client id "t"), empty body.
const apiVersionsV = (version: number) => Buffer.from([0x00, 0x12, 0x00, version, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x01, 0x74]);
const TABLE_V0 = '0003 0000 000b  0012 0000 0003';
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('ApiVersions v0, v1 and v2 answer the exact bytes Kafka would', async () => {
  const d = broker();
  assert.deepEqual(await answer(d, apiVersionsV(0)), hex(`00000016 0000002a 0000 00000002 ${TABLE_V0}`));
  for (const v of [1, 2]) {
    assert.deepEqual(await answer(d, apiVersionsV(v)), hex(`0000001a 0000002a 0000 00000002 ${TABLE_V0} 00000000`));
  }
});

test('ApiVersions v3: flexible request with client software name and version; response header v0, compact body, no features', async () => {
  // header v2: key 18, version 3, correlation 1, client id "rdkafka" (int16 length), no tags;
  // body: compact strings "librdkafka" and "2.0.2", no tags.
  const request = Buffer.concat([
    hex('0012 0003 00000001 0007'), Buffer.from('rdkafka'), hex('00'),
    hex('0b'), Buffer.from('librdkafka'), hex('06'), Buffer.from('2.0.2'), hex('00'),
  ]);
  const expected = hex('0000001a 00000001 0000 03 0003 0000 000b 00 0012 0000 0003 00 00000000 00');
  assert.deepEqual(await answer(broker(), request), expected);
});

test('ApiVersions v3 with a client software name Kafka refuses answers INVALID_REQUEST and no keys', async () => {
  const request = Buffer.concat([hex('0012 0003 00000005 ffff 00'), hex('05'), Buffer.from('bad!'), hex('02'), Buffer.from('1'), hex('00')]);
  const { body } = decodeResponse(ApiKey.ApiVersions, 3, unframe([await answer(broker(), request)]));
  assert.equal(body.errorCode, ErrorCode.INVALID_REQUEST);
  assert.deepEqual(body.apiKeys, []);
});

test('ApiVersions above our range gets the v0-shaped UNSUPPORTED_VERSION answer with our ApiVersions range', async () => {
  const d = broker();
  const expected = hex('00000010 0000002a 0023 00000001 0012 0000 0003');
  // v4 is flexible: request header v2 (client id, then an empty tag section); its body is not read.
  assert.deepEqual(await answer(d, Buffer.concat([apiVersionsV(4), hex('00 deadbeef')])), expected);
  assert.deepEqual(await answer(d, Buffer.concat([apiVersionsV(77), hex('00')])), expected);
});

test('an unknown api key, a key without a handler, or an unsupported version of another API close the connection', () => {
  const d = broker();
  assert.equal(closeReason(d, hex('0063 0000 00000001 ffff')), 'Unknown API key 99');
  assert.match(closeReason(d, hex('0000 0007 00000001 ffff')), /Produce is not served/);
  assert.match(closeReason(d, hex('0003 000c 00000001 ffff 00 01 00')), /apiKey: Metadata, apiVersion: 12: unsupported version/);
});

test('truncated and garbage frames close the connection with a decode reason', () => {
  const d = broker();
  assert.match(closeReason(d, hex('0012 0000 0000')), /shorter than a request header/);
  assert.match(closeReason(d, hex('0012 0000 00000001 0009 6162')), /malformed request header/);
  // Metadata v1: topics array claims 5 entries, none follow.
  assert.match(closeReason(d, hex('0003 0001 00000001 ffff 00000005')), /Error getting request for apiKey: Metadata, apiVersion: 1/);
});

for (let version = 0; version <= 11; version++) {
  test(`Metadata v${version} round trip: this broker, requested topics unknown`, async () => {
    const d = broker();
    const topics = [{ name: 'orders', topicId: ZERO_UUID }, { name: 'orders', topicId: ZERO_UUID }, { name: 'audit', topicId: ZERO_UUID }];
    const frame = Buffer.concat(
      encodeRequest({ apiKey: ApiKey.Metadata, apiVersion: version, correlationId: 99, clientId: 'c' }, version >= 4 ? { topics, allowAutoTopicCreation: false } : { topics }),
    ).subarray(4);
    const { correlationId, body } = decodeResponse(ApiKey.Metadata, version, unframe([await answer(d, frame)]));
    assert.equal(correlationId, 99);
    // Fields a version lacks decode as their schema defaults.
    assert.deepEqual(body.brokers, [{ nodeId: 7, host: 'broker7.example', port: 9092, rack: version >= 1 ? 'rack-1' : null }]);
    assert.equal(body.controllerId, version >= 1 ? 7 : -1);
    assert.equal(body.clusterId, version >= 2 ? 'cluster-A' : null);
    assert.deepEqual(
      body.topics.map((t) => [t.name, t.errorCode, t.partitions.length]),
      [['orders', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0], ['audit', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0]],
    );
  });
}

test('Metadata: v0 empty list and v1+ null ask for all topics (none here); v1+ empty list asks for none', async () => {
  const d = broker();
  for (const [version, topics] of [[0, []], [1, null], [4, []]] as const) {
    const frame = Buffer.concat(encodeRequest({ apiKey: ApiKey.Metadata, apiVersion: version, correlationId: 1, clientId: null }, { topics: topics as never })).subarray(4);
    const { body } = decodeResponse(ApiKey.Metadata, version, unframe([await answer(d, frame)]));
    assert.deepEqual(body.topics, []);
    assert.equal(body.brokers.length, 1);
  }
});

test('Metadata v10: a topic asked for by id is INVALID_REQUEST, as Kafka 2.8 refuses ids', async () => {
  const frame = Buffer.concat(
    encodeRequest({ apiKey: ApiKey.Metadata, apiVersion: 10, correlationId: 3, clientId: null }, {
      topics: [{ name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAQ' }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }),
  ).subarray(4);
  const { body } = decodeResponse(ApiKey.Metadata, 10, unframe([await answer(broker(), frame)]));
  assert.deepEqual(body.topics.map((t) => t.errorCode), [ErrorCode.INVALID_REQUEST]);
});
