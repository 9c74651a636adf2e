// Conformance against kafkajs's protocol fixtures: request bodies as kafkajs encodes them and response
// bodies recorded from real brokers. Every one must decode with our schema at its version and re-encode
// to the identical bytes.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { decodeMessage, encodeMessage, isFlexible } from '../../../../src/kafka/protocol/codec.js';
import { KafkaDecodeError } from '../../../../src/kafka/protocol/decode-error.js';
import type { MessageSchema } from '../../../../src/kafka/protocol/schema.js';
import { ApiKey, DATA_SCHEMAS, REQUEST_SCHEMAS, RESPONSE_SCHEMAS } from '../../../../src/kafka/protocol/schemas/index.js';
import { KAFKAJS_FIXTURES_DIR } from '../../../support/fixtures-dir.js';

const present = existsSync(KAFKAJS_FIXTURES_DIR);
const skip = present ? false : `kafkajs fixtures not found at ${KAFKAJS_FIXTURES_DIR}`;

function load(api: string, file: string): Buffer {
  const json = JSON.parse(readFileSync(path.join(KAFKAJS_FIXTURES_DIR, api, file), 'utf8')) as { data: number[] };
  return Buffer.from(json.data);
}

/** kafkajs folder names are its camelCase API names: "listOffsets" → ApiKey.ListOffsets. */
function apiKeyOf(folder: string): ApiKey {
  const key = (ApiKey as Record<string, ApiKey>)[folder[0].toUpperCase() + folder.slice(1)];
  assert.notEqual(key, undefined, `no api key for fixture folder ${folder}`);
  return key;
}

interface Fixture {
  api: string;
  file: string;
  version: number;
  kind: 'request' | 'response';
}

function fixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const api of readdirSync(KAFKAJS_FIXTURES_DIR).sort()) {
    if (api.includes('.')) continue;
    for (const file of readdirSync(path.join(KAFKAJS_FIXTURES_DIR, api)).sort()) {
      const m = file.match(/^v(\d+)_(?:.*_)?(request|response)(?:_.*)?(?:\.json)+$/); // one file is *.json.json
      if (m) out.push({ api, file, version: Number(m[1]), kind: m[2] as 'request' | 'response' });
    }
  }
  return out;
}

// Not message bodies: ConsumerProtocol payloads (tested below) and raw SASL mechanism bytes.
const NOT_BODIES = /^(v\d+_(memberAssignment|memberMetadata|assignerMetadata)|plain_bytes|scram256_.*)\.json$/;

// The broker (Kafka 0.10.x) answered ApiVersions v1 with a v0-shaped body: no throttle_time_ms.
// kafkajs decodes such a reply as v0; so must a client of ours.
const KNOWN_SHORT = new Set(['apiVersions/v1_response_missing_throttle_time.json']);

test('every kafkajs fixture file is either a message body or a known non-body', { skip }, () => {
  const all = readdirSync(KAFKAJS_FIXTURES_DIR)
    .filter((d) => !d.includes('.'))
    .flatMap((api) => readdirSync(path.join(KAFKAJS_FIXTURES_DIR, api)).map((f) => ({ api, f })));
  const bodies = new Set(fixtures().map((x) => `${x.api}/${x.file}`));
  for (const { api, f } of all) assert.ok(bodies.has(`${api}/${f}`) || NOT_BODIES.test(f), `unclassified fixture ${api}/${f}`);
  assert.ok(bodies.size >= 180, `only ${bodies.size} message fixtures found`);
});

test('every kafkajs request and response body decodes and re-encodes to identical bytes', { skip }, () => {
  let checked = 0;
  for (const fx of present ? fixtures() : []) {
    const name = `${fx.api}/${fx.file}`;
    if (KNOWN_SHORT.has(name)) continue;
    const key = apiKeyOf(fx.api);
    const schema: MessageSchema = (fx.kind === 'request' ? REQUEST_SCHEMAS : RESPONSE_SCHEMAS)[key];
    let bytes = load(fx.api, fx.file);
    let start = 0;
    if (isFlexible(schema, fx.version)) {
      // kafkajs writes request header v1 and puts the v2 header's empty tag section at the front of
      // the body; its recorded flexible responses likewise start with the v1 response header's tag section.
      assert.equal(bytes[0], 0, `${name}: header tag section`);
      start = 1;
    }
    let decoded: unknown;
    try {
      decoded = decodeMessage(schema, fx.version, bytes, start);
    } catch (err) {
      assert.fail(`${name} does not decode as ${schema.name} v${fx.version}: ${(err as Error).message}`);
    }
    const again = encodeMessage(schema, fx.version, decoded);
    bytes = bytes.subarray(start);
    assert.ok(again.equals(bytes), `${name}: re-encoded ${again.length} bytes differ from the ${bytes.length} recorded`);
    checked++;
  }
  assert.ok(checked >= 180, `only ${checked} fixtures checked`);
});

test('ApiVersions v1 reply without throttle_time_ms: fails as v1 with a decode error, round-trips as v0', { skip }, () => {
  const bytes = load('apiVersions', 'v1_response_missing_throttle_time.json');
  const schema = RESPONSE_SCHEMAS[ApiKey.ApiVersions];
  assert.throws(() => decodeMessage(schema, 1, bytes), (err: unknown) => err instanceof KafkaDecodeError && err.offset === bytes.length);
  const v0 = decodeMessage(schema, 0, bytes);
  assert.equal(v0.errorCode, 0);
  assert.deepEqual(v0.apiKeys[0], { apiKey: 0, minVersion: 0, maxVersion: 3 });
  assert.ok(encodeMessage(schema, 0, v0).equals(bytes));
});

test('recorded bodies decode to the values kafkajs expects', { skip }, () => {
  const meta = decodeMessage(RESPONSE_SCHEMAS[ApiKey.Metadata], 5, load('metadata', 'v5_offline_replicas_response.json'));
  assert.equal(typeof meta.controllerId, 'number');
  assert.ok(meta.topics.some((t: { partitions: { offlineReplicas: number[] }[] }) => t.partitions.some((p) => p.offlineReplicas.length > 0)));

  const produce = decodeMessage(REQUEST_SCHEMAS[ApiKey.Produce], 7, load('produce', 'v7_request.json'));
  const records: Buffer = produce.topicData[0].partitionData[0].records;
  assert.ok(Buffer.isBuffer(records));
  assert.equal(records[16], 2, 'record batch magic byte passes through raw');

  const fetch = decodeMessage(RESPONSE_SCHEMAS[ApiKey.Fetch], 11, load('fetch', 'v11_response.json'));
  const partition = fetch.responses[0].partitions[0];
  assert.equal(typeof partition.highWatermark, 'bigint');
  assert.equal(partition.records[16], 2);
});

test('ConsumerProtocol subscription/assignment payloads: version prefix, then the struct', { skip }, () => {
  const assignments: [string, string][] = [
    ['describeGroups', 'v1_memberAssignment.json'],
    ['syncGroup', 'v1_memberAssignment.json'],
  ];
  for (const [api, file] of present ? assignments : []) {
    const bytes = load(api, file);
    const schema = DATA_SCHEMAS.ConsumerProtocolAssignment;
    const value = decodeMessage(schema, bytes.readInt16BE(0), bytes, 2);
    assert.ok(value.assignedPartitions.length > 0);
    assert.ok(Buffer.concat([bytes.subarray(0, 2), encodeMessage(schema, 1, value)]).equals(bytes), `${api}/${file}`);
  }
  // kafkajs labels its subscription version 1 but writes the v0 layout (no owned_partitions), so it
  // fails as v1 exactly as Java's ConsumerProtocol.deserializeSubscription does (buffer underflow).
  const subscriptions: [string, string][] = [
    ['describeGroups', 'v1_memberMetadata.json'],
    ['joinGroup', 'v1_assignerMetadata.json'],
  ];
  for (const [api, file] of present ? subscriptions : []) {
    const bytes = load(api, file);
    const schema = DATA_SCHEMAS.ConsumerProtocolSubscription;
    assert.equal(bytes.readInt16BE(0), 1);
    assert.throws(() => decodeMessage(schema, 1, bytes, 2), KafkaDecodeError);
    const v0 = decodeMessage(schema, 0, bytes, 2);
    assert.ok(v0.topics.length > 0);
    assert.ok(Buffer.concat([bytes.subarray(0, 2), encodeMessage(schema, 0, v0)]).equals(bytes), `${api}/${file}`);
  }
});
