// The client's connection layer against a real broker of ours: ApiVersions negotiation (and its fallback),
// pipelining within max.in.flight, the bounded queue, request timeouts, the response size cap, metadata.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey } from '../../src/kafka/protocol/index.js';
import { KafkaCluster } from '../../src/kafka/client/cluster/kafka-cluster.js';
import { BrokerConnection, CONNECTION_DEFAULTS } from '../../src/kafka/client/network/broker-connection.js';
import { negotiateVersions } from '../../src/kafka/client/network/api-versions.js';
import { clientMaxVersion } from '../../src/kafka/client/network/version-table.js';
import { KafkaClientError, KafkaConnectionError, KafkaRequestTimeoutError } from '../../src/kafka/client/errors/index.js';
import { startOurKafka, type OurKafka } from '../support/our-kafka.js';

let kafka: OurKafka;

before(async () => {
  kafka = await startOurKafka(7);
});

after(async () => {
  await kafka?.stop();
});

/** The version the client's first hooked ApiVersions request has: a broker rejects a newer one before any hook runs. */
function firstHookedApiVersions(): number {
  const broker = kafka.server.dispatcher.versionTable().find((r) => r.apiKey === ApiKey.ApiVersions)!;
  return Math.min(broker.maxVersion, clientMaxVersion(ApiKey.ApiVersions));
}

function open(overrides: Partial<Parameters<typeof BrokerConnection.open>[0]> = {}): Promise<BrokerConnection> {
  return BrokerConnection.open({ ...CONNECTION_DEFAULTS, host: '127.0.0.1', port: kafka.port, ...overrides });
}

test('ApiVersions picks, per API, the highest version both the broker and the client support', async () => {
  const conn = await open();
  try {
    const table = await negotiateVersions(conn);
    for (const apiKey of [ApiKey.ApiVersions, ApiKey.Metadata]) {
      const broker = table.range(apiKey)!;
      assert.ok(broker, `broker advertises api ${apiKey}`);
      assert.equal(conn.versionFor(apiKey), Math.min(broker.maxVersion, clientMaxVersion(apiKey)));
    }
    assert.equal(conn.versionFor(ApiKey.Metadata, 1), 1);
  } finally {
    await conn.close();
  }
});

test('an UNSUPPORTED_VERSION answer without the broker\'s range makes the client ask again at ApiVersions v0', async () => {
  const asked: number[] = [];
  kafka.hooks.set(ApiKey.ApiVersions, (req) => {
    asked.push(req.apiVersion);
    if (req.apiVersion === 0) return undefined;
    return { response: (r) => ({ ...r, errorCode: 35, apiKeys: [] }) };
  });
  const conn = await open();
  try {
    const table = await negotiateVersions(conn);
    assert.deepEqual(asked, [firstHookedApiVersions(), 0]);
    assert.ok(table.has(ApiKey.Metadata));
  } finally {
    kafka.hooks.clear();
    await conn.close();
  }
});

test('an UNSUPPORTED_VERSION answer naming the broker\'s ApiVersions range makes the client retry at that version', async () => {
  const asked: number[] = [];
  kafka.hooks.set(ApiKey.ApiVersions, (req) => {
    asked.push(req.apiVersion);
    if (req.apiVersion <= 1) return undefined;
    return { response: (r) => ({ ...r, errorCode: 35, apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 1 }] }) };
  });
  const conn = await open();
  try {
    await negotiateVersions(conn);
    assert.deepEqual(asked, [firstHookedApiVersions(), 1]);
  } finally {
    kafka.hooks.clear();
    await conn.close();
  }
});

test('pipelined requests are matched to their responses by correlation id and never exceed max.in.flight', async () => {
  let inBroker = 0;
  let maxSeen = 0;
  kafka.hooks.set(ApiKey.Metadata, () => {
    inBroker++;
    maxSeen = Math.max(maxSeen, inBroker);
    return { delayMs: 5, response: (r) => (inBroker--, r) };
  });
  const conn = await open({ maxInFlightRequests: 3 });
  try {
    await negotiateVersions(conn);
    const versions = [0, 1, 4, 9, 10, 3, 5, 7, 2, 11];
    const answers = await Promise.all(versions.map((v) => conn.send(ApiKey.Metadata, { topics: v === 0 ? [] : null }, { version: v })));
    // Each answer decoded at its own request's version: v2+ carries the cluster id, v0-1 cannot.
    answers.forEach((a, i) => assert.equal(a.clusterId ?? null, versions[i] >= 2 ? kafka.server.clusterId : null, `v${versions[i]}`));
    assert.equal(maxSeen, 3);
  } finally {
    kafka.hooks.clear();
    await conn.close();
  }
});

test('requests beyond in-flight plus queue capacity are refused at once, not queued without bound', async () => {
  kafka.hooks.set(ApiKey.Metadata, () => ({ delayMs: 50 }));
  const conn = await open({ maxInFlightRequests: 2, maxQueuedRequests: 3 });
  try {
    await negotiateVersions(conn);
    const sent = Array.from({ length: 7 }, () => conn.send(ApiKey.Metadata, { topics: null }).then(() => 'ok', (e: Error) => e));
    const results = await Promise.all(sent);
    assert.deepEqual(results.slice(0, 5), ['ok', 'ok', 'ok', 'ok', 'ok']);
    for (const r of results.slice(5)) assert.ok(r instanceof KafkaClientError && /requests already wait/.test(r.message), String(r));
  } finally {
    kafka.hooks.clear();
    await conn.close();
  }
});

test('a draining close lets requests already sent finish, refuses new ones, then closes', async () => {
  kafka.hooks.set(ApiKey.Metadata, () => ({ delayMs: 30 }));
  const conn = await open({ maxInFlightRequests: 2 });
  try {
    await negotiateVersions(conn);
    const pending = Array.from({ length: 4 }, () => conn.send(ApiKey.Metadata, { topics: null }));
    const closing = conn.close({ drainTimeoutMs: 10_000 });
    await assert.rejects(conn.send(ApiKey.Metadata, { topics: null }), /is closing/);
    const answers = await Promise.all(pending);
    assert.deepEqual(answers.map((a) => a.brokers[0].nodeId), [7, 7, 7, 7]);
    await closing;
    assert.equal(conn.isClosed, true);
  } finally {
    kafka.hooks.clear();
    await conn.close();
  }
});

test('a request with no response within request.timeout.ms fails retriably and closes the connection', async () => {
  kafka.hooks.set(ApiKey.Metadata, () => 'drop');
  const conn = await open({ requestTimeoutMs: 200 });
  try {
    await negotiateVersions(conn);
    const err = await conn.send(ApiKey.Metadata, { topics: null }).catch((e: Error) => e);
    assert.ok(err instanceof KafkaRequestTimeoutError, String(err));
    assert.equal(err.retriable, true);
    assert.equal(conn.isClosed, true);
    await assert.rejects(conn.send(ApiKey.Metadata, { topics: null }), KafkaRequestTimeoutError);
  } finally {
    kafka.hooks.clear();
    await conn.close();
  }
});

test('a response larger than the cap closes the connection instead of being buffered', async () => {
  const conn = await open({ maxResponseBytes: 20 });
  try {
    await negotiateVersions(conn).then(
      () => assert.fail('ApiVersions answer is larger than 20 bytes'),
      (err: Error) => assert.ok(err instanceof KafkaConnectionError && /over the 20-byte cap/.test(err.message), String(err)),
    );
    assert.equal(conn.isClosed, true);
  } finally {
    await conn.close();
  }
});

test('the cluster bootstraps from its servers list and caches the broker, controller and cluster id', async () => {
  const cluster = new KafkaCluster({ bootstrapServers: ['127.0.0.1:1', kafka.bootstrap].join(','), connectTimeoutMs: 2000 });
  try {
    const md = await cluster.connect();
    assert.equal(md.clusterId, kafka.server.clusterId);
    assert.deepEqual([...md.brokers.values()], [{ nodeId: 7, host: '127.0.0.1', port: kafka.port, rack: null }]);
    const conn = await cluster.nodeConnection(7);
    assert.equal(conn.address, kafka.bootstrap);
    assert.ok(conn.supports(ApiKey.Metadata));
  } finally {
    await cluster.close();
  }
  await assert.rejects(cluster.refreshMetadata(), /closed/);
});

test('a lost connection is retried on a new one, after a metadata refresh', async () => {
  let calls = 0;
  kafka.hooks.set(ApiKey.Metadata, () => (++calls === 2 ? 'close' : undefined));
  const cluster = new KafkaCluster({ bootstrapServers: kafka.bootstrap, retryBackoffMs: 1 });
  try {
    await cluster.connect();
    const answer = await cluster.request({ kind: 'any' }, ApiKey.Metadata, { topics: null });
    assert.equal(answer.brokers[0].nodeId, 7);
    assert.ok(calls >= 3, `calls ${calls}`);
  } finally {
    kafka.hooks.clear();
    await cluster.close();
  }
});
