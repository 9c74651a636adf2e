// The controller's channel to a broker, against a fake broker on a real socket: requests arrive in order at the
// versions a 2.8 controller uses (LeaderAndIsr v5, UpdateMetadata v7, StopReplica v3) with the controller's fields,
// a request whose connection drops is sent again, answers come back in order, and a removed broker gets nothing more.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { ApiKey, decodeRequest, encodeResponse } from '../../../../src/kafka/protocol/index.js';
import { ControllerChannelManager } from '../../../../src/kafka/broker/zk-controller/channel-manager.js';
import type { BrokerRequest } from '../../../../src/kafka/controller/effects.js';
import { waitFor } from '../../../support/kafka-broker-process.js';

interface Received {
  apiKey: number;
  apiVersion: number;
  clientId: string | null;
  body: any;
}

let server: Server;
let port: number;
const received: Received[] = [];
let dropNext = 0;
const sockets = new Set<Socket>();

const RESPONSES: Record<number, unknown> = {
  [ApiKey.LeaderAndIsr]: { errorCode: 0, topics: [] },
  [ApiKey.UpdateMetadata]: { errorCode: 0 },
  [ApiKey.StopReplica]: { errorCode: 0, partitionErrors: [{ topicName: 'gone', partitionIndex: 0, errorCode: 0 }] },
};

before(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0));
        buf = buf.subarray(4 + frame.length);
        if (dropNext > 0) {
          dropNext--;
          socket.destroy();
          return;
        }
        const { header, body } = decodeRequest(frame);
        received.push({ apiKey: header.requestApiKey, apiVersion: header.requestApiVersion, clientId: header.clientId ?? null, body });
        socket.write(Buffer.concat(encodeResponse(header.requestApiKey as never, header.requestApiVersion, header.correlationId, RESPONSES[header.requestApiKey] as never)));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const common = { controllerId: 3, controllerEpoch: 2, brokerEpoch: 77n };
const leaderAndIsr: BrokerRequest = {
  api: 'LeaderAndIsr',
  ...common,
  type: 0,
  topicStates: [
    {
      topicName: 'events',
      topicId: 'AAECAwQFBgcICQoLDA0ODw',
      partitionStates: [{ partitionIndex: 0, controllerEpoch: 2, leader: 1, leaderEpoch: 4, isr: [1, 2], zkVersion: 6, replicas: [1, 2], addingReplicas: [], removingReplicas: [], isNew: true }],
    },
  ],
  liveLeaders: [{ brokerId: 1, hostName: 'h1', port: 9092 }],
};
const updateMetadata: BrokerRequest = {
  api: 'UpdateMetadata',
  ...common,
  topicStates: [{ topicName: 'legacy', topicId: null, partitionStates: [{ partitionIndex: 0, controllerEpoch: 2, leader: -2, leaderEpoch: 1, isr: [1], zkVersion: 2, replicas: [1], offlineReplicas: [] }] }],
  liveBrokers: [{ id: 1, endpoints: [{ port: 9092, host: 'h1', listener: 'INTERNAL', securityProtocol: 'SASL_SSL' }], rack: 'r' }],
};
const stopReplica: BrokerRequest = {
  api: 'StopReplica',
  ...common,
  topicStates: [{ topicName: 'gone', partitionStates: [{ partitionIndex: 0, leaderEpoch: -2, deletePartition: true }] }],
};

test('requests go out in order at LeaderAndIsr v5, UpdateMetadata v7, StopReplica v3; a dropped connection is retried', async () => {
  const responses: [number, string, unknown][] = [];
  const channels = new ControllerChannelManager({ controllerId: 3, requestTimeoutMs: 5000, log: () => {}, onResponse: (id, req, res) => responses.push([id, req.api, res]) });
  dropNext = 1;
  channels.add(1, { host: '127.0.0.1', port });
  channels.send(1, leaderAndIsr);
  channels.send(1, updateMetadata);
  channels.send(1, stopReplica);
  channels.send(2, stopReplica); // no channel: dropped
  await waitFor('three answers', () => responses.length === 3);
  assert.deepEqual(received.map((r) => [r.apiKey, r.apiVersion, r.clientId]), [
    [ApiKey.LeaderAndIsr, 5, 'controller-3'],
    [ApiKey.UpdateMetadata, 7, 'controller-3'],
    [ApiKey.StopReplica, 3, 'controller-3'],
  ]);
  const [lai, um, sr] = received.map((r) => r.body);
  assert.deepEqual([lai.controllerId, lai.controllerEpoch, lai.brokerEpoch, lai.type], [3, 2, 77n, 0]);
  assert.equal(lai.topicStates[0].topicId, 'AAECAwQFBgcICQoLDA0ODw');
  const p = lai.topicStates[0].partitionStates[0];
  assert.deepEqual([p.partitionIndex, p.leader, p.leaderEpoch, p.isr, p.partitionEpoch, p.replicas, p.isNew], [0, 1, 4, [1, 2], 6, [1, 2], true]);
  assert.deepEqual(lai.liveLeaders.map((l: any) => [l.brokerId, l.hostName, l.port]), [[1, 'h1', 9092]]);
  assert.equal(um.topicStates[0].topicId, 'AAAAAAAAAAAAAAAAAAAAAA', 'a topic without an id is sent the zero id');
  assert.equal(um.topicStates[0].partitionStates[0].leader, -2);
  assert.deepEqual(um.liveBrokers.map((b: any) => [b.id, b.rack, b.endpoints.map((e: any) => [e.host, e.port, e.listener, e.securityProtocol])]), [[1, 'r', [['h1', 9092, 'INTERNAL', 3]]]]);
  assert.deepEqual(sr.topicStates, [{ topicName: 'gone', partitionStates: [{ partitionIndex: 0, leaderEpoch: -2, deletePartition: true }] }]);
  assert.deepEqual(responses.map(([id, api]) => [id, api]), [[1, 'LeaderAndIsr'], [1, 'UpdateMetadata'], [1, 'StopReplica']]);
  assert.deepEqual((responses[2]![2] as any).partitionErrors, [{ topicName: 'gone', partitionIndex: 0, errorCode: 0 }]);

  received.length = 0;
  channels.remove(1);
  channels.send(1, updateMetadata);
  await new Promise((r) => setImmediate(r));
  assert.equal(channels.has(1), false);
  assert.deepEqual(received, [], 'nothing reaches a removed broker');
  channels.closeAll();
});
