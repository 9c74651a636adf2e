// The raw TCP limit for the broker's traffic: a Node.js process that reads Kafka frames without looking past their
// 12-byte head, discards produce payloads and answers each with a prebuilt Produce response, and answers each
// fetch with prebuilt Fetch response bytes. What the load generator moves through this server is what a Node
// server can move over loopback with the broker's framing and nothing else. It reads as the broker does, straight
// into a buffer of its own (direct-read-socket.ts), here one reused for every read, so no read allocates.
// With `appendFile` it also writes every produce payload to that file as it reads it (a write per frame's share of each
// read, on the event loop, into the page cache) and answers once a frame is written: what a minimal Node server that
// stores the bytes takes.
//   node raw-server.js '<RawServerConfig as JSON>'   prints "port <n>" once listening
import { constants, openSync, writeSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { directReadSocket } from '../../src/kafka/broker/direct-read-socket.js';
import { ApiKey } from '../../src/kafka/protocol/index.js';
import { fetchResponseTemplate, produceResponseTemplate, recordBatch, REQUEST_HEAD_BYTES, responseFrame, type FrameTemplate } from './load-frames.js';

export interface RawServerConfig {
  topic: string;
  /** Partitions per produce request (and per fetch response). */
  partitions: number;
  /** Bytes of records per partition in each fetch response. */
  fetchPartitionBytes: number;
  /** Records per batch in the fetch responses. */
  fetchBatchRecords: number;
  /** Read through the socket's stream ('data' events, a fresh buffer per read) instead of into one reused buffer. */
  streamReads?: boolean;
  /** Append every produce payload to this file (created, or emptied, at start). */
  appendFile?: string;
}

const config = JSON.parse(process.argv[2] ?? '') as RawServerConfig;
const produceAnswer = produceResponseTemplate(config.topic, config.partitions);
const fetchAnswer = fetchResponseTemplate(config.topic, config.partitions, config.fetchPartitionBytes, recordBatch(config.fetchBatchRecords));

const READ_BUFFER_BYTES = 1024 * 1024;
// O_APPEND: whoever truncates the file (the bench, between rounds) has the next payload written at its start.
const appendFd = config.appendFile ? openSync(config.appendFile, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND) : -1;

function serve(accepted: Socket): void {
  const head = Buffer.alloc(REQUEST_HEAD_BYTES);
  let headFill = 0;
  /** Bytes of the current frame's body still to skip. */
  let skip = 0;
  /** The frame being skipped is a produce whose payload goes to appendFile, answered once stored. */
  let store = false;
  let correlationId = 0;
  const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  const onChunk = (chunk: Buffer) => {
    socket.cork();
    let pos = 0;
    while (pos < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - pos);
        if (store) for (let w = 0; w < n; ) w += writeSync(appendFd, chunk, pos + w, n - w);
        skip -= n;
        pos += n;
        if (store && skip === 0) for (const part of responseFrame(produceAnswer, correlationId)) socket.write(part);
        continue;
      }
      const n = Math.min(REQUEST_HEAD_BYTES - headFill, chunk.length - pos);
      chunk.copy(head, headFill, pos, pos + n);
      headFill += n;
      pos += n;
      if (headFill < REQUEST_HEAD_BYTES) break;
      headFill = 0;
      skip = head.readInt32BE(0) + 4 - REQUEST_HEAD_BYTES;
      const isFetch = head.readInt16BE(4) === ApiKey.Fetch;
      store = appendFd >= 0 && !isFetch && skip > 0;
      correlationId = head.readInt32BE(8);
      const answer: FrameTemplate = isFetch ? fetchAnswer : produceAnswer;
      if (!store) for (const part of responseFrame(answer, correlationId)) socket.write(part);
    }
    socket.uncork();
  };
  const direct = config.streamReads ? null : directReadSocket(accepted, { buffer: () => readBuffer, callback: (n) => onChunk(readBuffer.subarray(0, n)) });
  const socket = direct ?? accepted;
  if (direct === null) socket.on('data', onChunk).resume();
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
}

const server = createServer({ pauseOnConnect: true }, serve);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
