import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { LeaderListener, encodeZabMessage } from '../../../../src/zookeeper/ensemble/quorum-transport.js';
import { PacketType } from '../../../../src/zookeeper/quorum/wire/packet-types.js';
import type { ZabMessage } from '../../../../src/zookeeper/quorum/wire/zab-messages.js';
import { freePort } from '../../../support/ports.js';

const followerInfo: ZabMessage = { type: PacketType.FOLLOWERINFO, acceptedEpoch: 0, sid: 3n, protocolVersion: 0x10000, configVersion: 0n };

test('a learner that reconnects before its old connection is seen closing: the old one is reported gone before the new FOLLOWERINFO, and only the old socket is closed', async (t) => {
  const events: string[] = [];
  let seen = 0;
  let onEvent = (): void => {};
  const port = await freePort();
  const listener = new LeaderListener({
    listen: { host: '127.0.0.1', port },
    maxDataBytes: 1 << 20,
    onMessage: (from, m) => {
      events.push(`message ${from} ${PacketType[m.type]}`);
      seen++;
      onEvent();
    },
    onDisconnected: (sid) => events.push(`disconnected ${sid}`),
    log: () => {},
  });
  await listener.start();
  t.after(() => listener.close());

  const messages = (n: number) => new Promise<void>((resolve) => {
    onEvent = () => seen >= n && resolve();
    onEvent();
  });
  const dial = async (): Promise<Socket> => {
    const s = connect({ host: '127.0.0.1', port });
    await once(s, 'connect');
    s.write(encodeZabMessage(followerInfo, true));
    return s;
  };

  const first = await dial();
  const firstClosed = once(first, 'close');
  await messages(1);
  const second = await dial();
  t.after(() => second.destroy());
  await messages(2);
  await firstClosed;
  assert.deepEqual(events, ['message 3 FOLLOWERINFO', 'disconnected 3', 'message 3 FOLLOWERINFO']);

  // What the leader sends for sid 3 now reaches the new connection.
  const ping = encodeZabMessage({ type: PacketType.PING, zxid: 0n, sessions: [] }, false);
  const received = once(second, 'data');
  listener.send(3n, ping);
  assert.deepEqual((await received)[0], ping);
});
