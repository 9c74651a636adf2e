// Frames a connection has already received are not processed while the server is over globalOutstandingLimit:
// one read from a socket can hold thousands of pipelined requests, and all of them used to enter the pipeline
// at once however far over the limit that took it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { OpCode } from '../../../src/zookeeper/jute/constants.js';
import { RawZkClient, createBody } from '../../faults/raw-client.js';
import { startOurZooKeeper, type OurZk } from '../../support/our-zk.js';

const LIMIT = 10;
let zk: OurZk;

before(async () => {
  zk = await startOurZooKeeper({ extraConfig: { globalOutstandingLimit: String(LIMIT) } });
});

after(async () => {
  await zk?.stop();
});

test('pipelined requests received in one read enter the pipeline only while it is under globalOutstandingLimit', { timeout: 30_000 }, async () => {
  const server = zk.running.server;
  let peak = 0;
  const submit = server.submit.bind(server);
  server.submit = (req) => {
    submit(req);
    peak = Math.max(peak, server.outstandingRequests);
  };
  const client = await RawZkClient.connect(zk.port);
  try {
    const count = 1000;
    // One write: the server receives them all in a read or two.
    client.socket.cork();
    const replies = Array.from({ length: count }, (_, i) => client.request(OpCode.create, createBody(`/t${i + 1}`, null)));
    client.socket.uncork();
    const answered = await Promise.all(replies);
    assert.deepEqual(answered.map((r) => [r.header.xid, r.header.err]), Array.from({ length: count }, (_, i) => [i + 1, 0]));
    assert.ok(peak <= LIMIT + 1, `the pipeline held ${peak} requests at once with globalOutstandingLimit ${LIMIT}`);
  } finally {
    await client.closeSession();
  }
});
