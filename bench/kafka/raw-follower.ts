// The follower half of the raw replication reference: a Node.js process that appends every byte a replicating raw
// server (raw-server.js with `replicateTo`) sends it to a file, as a broker's follower writes (raw-appender.ts), and
// whenever that count grows answers with the count of bytes stored (a float64, big-endian). That is the least a
// replica can do with what it is sent: no fetch requests, no parsing, no index. It serves one leader connection.
//   node raw-follower.js '{"appendFile":"/path"}'   prints "port <n>" once listening
import { constants, openSync } from 'node:fs';
import type { Socket } from 'node:net';
import { directReadSocket } from '../../src/kafka/broker/direct-read-socket.js';
import { RawAppender } from './raw-appender.js';
import { listenOnLoopback, RAW_FOLLOWER_ACK_BYTES } from './raw-server-process.js';

export interface RawFollowerConfig {
  /** Created, or emptied, at start. The bench may empty it between rounds (what follows is written past a hole). */
  appendFile: string;
}

const config = JSON.parse(process.argv[2] ?? '') as RawFollowerConfig;
const fd = openSync(config.appendFile, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC);
const READ_BUFFER_BYTES = 1024 * 1024;

function serve(accepted: Socket): void {
  let acked = 0;
  const ack = () => {
    if (appender.stored === acked) return;
    acked = appender.stored;
    const a = Buffer.allocUnsafe(RAW_FOLLOWER_ACK_BYTES);
    a.writeDoubleBE(acked, 0);
    socket.write(a);
  };
  const appender = new RawAppender(fd, ack);
  // Written at once, on the event loop, as the broker's followers write their appends: the buffer is free again.
  const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  const direct = directReadSocket(accepted, {
    buffer: () => readBuffer,
    callback: (n) => {
      appender.append([readBuffer.subarray(0, n)], false);
      ack();
    },
  });
  if (direct === null) throw new Error('raw follower: the accepted connection could not be read directly');
  const socket: Socket = direct;
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
}

listenOnLoopback(serve);
