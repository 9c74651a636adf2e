// The follower half of the raw replication reference: a Node.js process that appends every byte a replicating raw
// server (raw-server.js with `replicateTo`) sends it to a file, on the event loop into the page cache, and after each
// read answers with the count of bytes stored so far (a float64, big-endian). That is the least a replica can do with
// what it is sent: no fetch requests, no parsing, no index.
//   node raw-follower.js '{"appendFile":"/path"}'   prints "port <n>" once listening
import { constants, openSync, writeSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { directReadSocket } from '../../src/kafka/broker/direct-read-socket.js';
import { RAW_FOLLOWER_ACK_BYTES } from './raw-server-process.js';

export interface RawFollowerConfig {
  /** Created, or emptied, at start; opened O_APPEND, so the bench may empty it between rounds. */
  appendFile: string;
}


const config = JSON.parse(process.argv[2] ?? '') as RawFollowerConfig;
const fd = openSync(config.appendFile, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND);
const READ_BUFFER_BYTES = 1024 * 1024;

function serve(accepted: Socket): void {
  const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  let stored = 0;
  const onRead = (n: number) => {
    for (let w = 0; w < n; ) w += writeSync(fd, readBuffer, w, n - w);
    stored += n;
    const ack = Buffer.allocUnsafe(RAW_FOLLOWER_ACK_BYTES);
    ack.writeDoubleBE(stored, 0);
    socket.write(ack);
  };
  const direct = directReadSocket(accepted, { buffer: () => readBuffer, callback: onRead });
  if (direct === null) throw new Error('raw follower: the accepted connection could not be read directly');
  const socket: Socket = direct;
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
}

const server = createServer({ pauseOnConnect: true }, serve);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
