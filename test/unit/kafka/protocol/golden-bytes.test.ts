// Exact bytes built by hand from the protocol guide (kafka.apache.org/protocol, KIP-482 for flexible
// versions): headers, ApiVersions v3 with its v0 response header, compact nulls and tagged fields.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  decodeMessage,
  decodeRequest,
  decodeResponse,
  encodeMessage,
  encodeRequest,
  encodeResponse,
  readRequestHeader,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../../../../src/kafka/protocol/codec.js';
import { KafkaDecodeError, KafkaEncodeError } from '../../../../src/kafka/protocol/decode-error.js';
import { KafkaReader } from '../../../../src/kafka/protocol/reader.js';
import { ApiKey, REQUEST_SCHEMAS, RESPONSE_SCHEMAS, RequestHeaderSchema, ZK_BROKER_API_VERSIONS } from '../../../../src/kafka/protocol/schemas/index.js';

/** Hex with spaces, `|` separators and `#` comments to the end of a line. */
const hex = (s: string) => Buffer.from(s.replace(/#.*$/gm, '').replace(/[\s|]/g, ''), 'hex');
const joined = (chunks: Buffer[]) => Buffer.concat(chunks);

test('request header v2: client_id stays an int16-length string, then the tag section (unknown tag kept)', () => {
  const bytes = hex(`
    0012 | 0003 | 0000 0007      # api key 18, version 3, correlation id 7
    0003 636c69                  # client id "cli" (int16 length, not compact)
    01 | 05 | 02 | abcd          # one tagged field: tag 5, 2 bytes`);
  const header = decodeMessage(RequestHeaderSchema, 2, bytes);
  assert.deepEqual(header, {
    requestApiKey: 18,
    requestApiVersion: 3,
    correlationId: 7,
    clientId: 'cli',
    unknownTaggedFields: [{ tag: 5, data: hex('abcd') }],
  });
  assert.ok(encodeMessage(RequestHeaderSchema, 2, header).equals(bytes));
  // A null client id is int16 -1 even in v2.
  assert.ok(encodeMessage(RequestHeaderSchema, 2, { ...header, clientId: null, unknownTaggedFields: undefined }).equals(hex('0012 0003 00000007 ffff 00')));
});

test('ApiVersions v3 request (header v2) and response (header v0, no tag byte) frame by frame', () => {
  const request = encodeRequest(
    { apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: 1, clientId: 'rdkafka' },
    { clientSoftwareName: 'kcat', clientSoftwareVersion: '1.7.1' },
  );
  const requestBytes = hex(`
    0000001e                 # 18 header bytes + 12 body bytes
    0012 0003 00000001 0007 72646b61666b61 00
    05 6b636174 06 312e372e31 00`);
  assert.ok(joined(request).equals(requestBytes));
  const decoded = decodeRequest(requestBytes.subarray(4));
  assert.equal(decoded.headerVersion, 2);
  assert.deepEqual(decoded.body, { clientSoftwareName: 'kcat', clientSoftwareVersion: '1.7.1' });

  const response = encodeResponse(ApiKey.ApiVersions, 3, 1, {
    errorCode: 0,
    apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }],
    throttleTimeMs: 0,
  });
  const responseBytes = hex(`
    00000013
    00000001                 # correlation id; header v0 even though the body is flexible
    0000                     # error code
    02 0012 0000 0003 00     # compact array of one ApiVersion with its empty tag section
    00000000                 # throttle time
    00                       # body tag section (no supported features etc.)`);
  assert.ok(joined(response).equals(responseBytes));
  const back = decodeResponse(ApiKey.ApiVersions, 3, responseBytes.subarray(4));
  assert.equal(back.correlationId, 1);
  assert.deepEqual(back.body.apiKeys, [{ apiKey: 18, minVersion: 0, maxVersion: 3 }]);
});

test('known tagged fields are written only when not default, in tag order', () => {
  const schema = RESPONSE_SCHEMAS[ApiKey.ApiVersions];
  const body = { errorCode: 0, apiKeys: [], throttleTimeMs: 0, zkMigrationReady: true, finalizedFeaturesEpoch: 5n };
  const bytes = encodeMessage(schema, 3, body);
  // tags: 1 (finalizedFeaturesEpoch, int64, 8 bytes) then 3 (zkMigrationReady, bool).
  assert.ok(bytes.equals(hex('0000 01 00000000 02 | 01 08 0000000000000005 | 03 01 01')));
  const decoded = decodeMessage(schema, 3, bytes);
  assert.equal(decoded.zkMigrationReady, true);
  assert.equal(decoded.finalizedFeaturesEpoch, 5n);
  assert.deepEqual(decoded.supportedFeatures, []);
});

test('compact nullable string null is varint 0 (FindCoordinator v3 response)', () => {
  const schema = RESPONSE_SCHEMAS[ApiKey.FindCoordinator];
  const body = { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 1, host: 'localhost', port: 9092 };
  const bytes = hex('00000000 0000 00 00000001 0a 6c6f63616c686f7374 00002384 00');
  assert.ok(encodeMessage(schema, 3, body).equals(bytes));
  assert.equal(decodeMessage(schema, 3, bytes).errorMessage, null);
  // Empty (not null) is varint 1.
  assert.ok(encodeMessage(schema, 3, { ...body, errorMessage: '' }).equals(hex('00000000 0000 01 00000001 0a 6c6f63616c686f7374 00002384 00')));
});

test('an unknown tagged field is skipped by size and preserved for re-encoding', () => {
  const schema = REQUEST_SCHEMAS[ApiKey.ApiVersions];
  const bytes = hex('05 6b636174 02 31 | 02 | 07 03 aabbcc | 2a 00');
  const decoded = decodeMessage(schema, 3, bytes);
  assert.equal(decoded.clientSoftwareName, 'kcat');
  assert.equal(decoded.clientSoftwareVersion, '1');
  assert.deepEqual(decoded.unknownTaggedFields, [
    { tag: 7, data: hex('aabbcc') },
    { tag: 42, data: Buffer.alloc(0) },
  ]);
  assert.ok(encodeMessage(schema, 3, decoded).equals(bytes));
});

test('header versions: flexible requests use v2, ControlledShutdown v0 uses v0; ApiVersions responses use v0', () => {
  assert.equal(requestHeaderVersion(ApiKey.ControlledShutdown, 0), 0);
  assert.equal(requestHeaderVersion(ApiKey.ControlledShutdown, 1), 1);
  assert.equal(requestHeaderVersion(ApiKey.ControlledShutdown, 3), 2);
  assert.equal(requestHeaderVersion(ApiKey.Produce, 8), 1);
  assert.equal(requestHeaderVersion(ApiKey.Produce, 9), 2);
  assert.equal(requestHeaderVersion(ApiKey.ApiVersions, 3), 2);
  assert.equal(responseHeaderVersion(ApiKey.ApiVersions, 3), 0);
  assert.equal(responseHeaderVersion(ApiKey.Fetch, 11), 0);
  assert.equal(responseHeaderVersion(ApiKey.Fetch, 12), 1);
  assert.equal(responseHeaderVersion(ApiKey.Metadata, 9), 1);

  // ControlledShutdown v0: header without client id.
  const frame = joined(encodeRequest({ apiKey: ApiKey.ControlledShutdown, apiVersion: 0, correlationId: 3, clientId: 'x' }, { brokerId: 2, brokerEpoch: -1n }));
  assert.ok(frame.equals(hex('0000000c 0007 0000 00000003 00000002')));
});

test('a flexible response carries the v1 header tag byte after the correlation id', () => {
  const frame = joined(encodeResponse(ApiKey.Heartbeat, 4, 9, { throttleTimeMs: 0, errorCode: 27 }));
  assert.ok(frame.equals(hex('0000000c 00000009 00 | 00000000 001b 00')));
  assert.equal(decodeResponse(ApiKey.Heartbeat, 4, frame.subarray(4)).body.errorCode, 27);
});

test('writing a non-default value into a field the version lacks fails unless the field is ignorable', () => {
  const metadata = REQUEST_SCHEMAS[ApiKey.Metadata];
  assert.throws(() => encodeMessage(metadata, 3, { topics: [], allowAutoTopicCreation: false }), KafkaEncodeError);
  assert.ok(encodeMessage(metadata, 3, { topics: [], allowAutoTopicCreation: true }).equals(hex('00000000')));
  // v0 topics is not nullable.
  assert.throws(() => encodeMessage(metadata, 0, { topics: null }), KafkaEncodeError);
  // ApiVersions v0 has no throttle time; the field is ignorable so it is dropped silently.
  const apiVersions = RESPONSE_SCHEMAS[ApiKey.ApiVersions];
  assert.ok(encodeMessage(apiVersions, 0, { errorCode: 0, apiKeys: [], throttleTimeMs: 100 }).equals(hex('0000 00000000')));
  // A version outside the schema's range.
  assert.throws(() => encodeMessage(apiVersions, 99, { errorCode: 0, apiKeys: [] }), KafkaEncodeError);
});

test('the zkBroker version table lists ZooKeeper-mode APIs only, without unstable versions', () => {
  const byKey = new Map(ZK_BROKER_API_VERSIONS.map((e) => [e.apiKey, e]));
  assert.deepEqual(byKey.get(ApiKey.ApiVersions), { apiKey: 18, minVersion: 0, maxVersion: 4 });
  assert.deepEqual(byKey.get(ApiKey.LeaderAndIsr), { apiKey: 4, minVersion: 0, maxVersion: 7 });
  assert.equal(byKey.has(ApiKey.Vote), false); // KRaft controller only
  assert.equal(byKey.has(ApiKey.BrokerHeartbeat), false);
  const endTxn = byKey.get(ApiKey.EndTxn)!;
  assert.equal(endTxn.maxVersion, 4); // 0-5 in the spec, 5 marked unstable
});

test('a nullable struct is a presence byte: -1 for null, 1 then the struct (ConsumerGroupHeartbeat v0 response)', () => {
  const schema = RESPONSE_SCHEMAS[ApiKey.ConsumerGroupHeartbeat];
  const base = { throttleTimeMs: 0, errorCode: 0, errorMessage: null, memberId: 'm', memberEpoch: 3, heartbeatIntervalMs: 5000 };
  const nullBytes = hex('00000000 0000 00 02 6d 00000003 00001388 | ff | 00');
  assert.ok(encodeMessage(schema, 0, { ...base, assignment: null }).equals(nullBytes));
  assert.equal(decodeMessage(schema, 0, nullBytes).assignment, null);
  const present = hex('00000000 0000 00 02 6d 00000003 00001388 | 01 | 01 00 | 00'); // present, empty topic list, struct tags; body tags
  assert.ok(encodeMessage(schema, 0, { ...base, assignment: { topicPartitions: [] } }).equals(present));
  assert.deepEqual(decodeMessage(schema, 0, present).assignment, { topicPartitions: [] });
});

test('a request with an unknown api key has its header read and then fails as a decode error', () => {
  const frame = hex('7fff 0000 00000005 0001 78');
  assert.throws(() => decodeRequest(frame), (err: unknown) => err instanceof KafkaDecodeError && /unknown api key 32767/.test((err as Error).message));
  const r = new KafkaReader(frame);
  assert.deepEqual(readRequestHeader(r), { header: { requestApiKey: 32767, requestApiVersion: 0, correlationId: 5, clientId: 'x' }, headerVersion: 1 });
  assert.equal(r.pos, frame.length);
});
