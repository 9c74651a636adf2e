// The raw TCP limit for the broker's traffic: a Node.js process that reads Kafka frames without looking past their
// 12-byte head, discards produce payloads and answers each with a prebuilt Produce response, and answers each
// fetch with prebuilt Fetch response bytes. What the load generator moves through this server is what a Node
// server can move over loopback with the broker's framing and nothing else. It reads as the broker does, straight
// into a buffer of its own (direct-read-socket.ts), here one reused for every read, so no read allocates.
// With `appendFile` it also writes every produce payload to that file, in one write per frame once it is read (as the
// broker writes an append: at once up to 64 KiB, through the thread pool above; raw-appender.ts), and answers once it
// is written: what a minimal Node server that stores the bytes takes. One file, where the broker has one per partition.
// With `replicateTo` as well (the raw replication reference) it sends every payload on to each raw follower as it
// reads it (raw-follower.js, ports given), which store it too, and answers a produce once every follower has stored
// it: what a minimal Node leader and two followers take to hold each byte three times, as replication factor 3 with
// acks=all does.
//   node raw-server.js '<RawServerConfig as JSON>'   prints "port <n>" once listening
import { constants, openSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { directReadSocket } from '../../src/kafka/broker/direct-read-socket.js';
import { ApiKey } from '../../src/kafka/protocol/index.js';
import { SYNC_APPEND_MAX_BYTES } from '../../src/kafka/storage/log-segment.js';
import { RawAppender } from './raw-appender.js';
import { listenOnLoopback, RAW_FOLLOWER_ACK_BYTES as ACK_BYTES } from './raw-server-process.js';
import { blockReads } from './raw-server-reads.js';
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
  /** Append every produce payload to this file (created, or emptied, at start; the bench may empty it between rounds). */
  appendFile?: string;
  /** With appendFile: ports of raw followers that store every payload too before it is answered. */
  replicateTo?: number[];
}

const config = JSON.parse(process.argv[2] ?? '') as RawServerConfig;
const produceAnswer = produceResponseTemplate(config.topic, config.partitions);
const fetchAnswer = fetchResponseTemplate(config.topic, config.partitions, config.fetchPartitionBytes, recordBatch(config.fetchBatchRecords));

const READ_BUFFER_BYTES = 1024 * 1024;
const appendFd = config.appendFile ? openSync(config.appendFile, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC) : -1;

/** A produce whose payload ends at `end` of the stored stream, answered once stored everywhere. */
interface Unanswered {
  end: number;
  socket: Socket;
  correlationId: number;
}

/**
 * Where payloads are stored, here and on the followers; the produces waiting for them, in stream order. Here and on
 * the followers the stream's bytes are in the same order while one connection produces at a time, as the bench does.
 */
class Storage {
  private readonly local: RawAppender;
  private readonly followerStored: number[];
  private readonly waiting: Unanswered[] = [];
  private next = 0;
  private forwarded = 0;

  constructor(
    fd: number,
    private readonly followers: Socket[],
  ) {
    this.local = new RawAppender(fd, () => this.answerStored());
    this.followerStored = followers.map(() => 0);
    followers.forEach((f, i) => {
      const ack = Buffer.alloc(ACK_BYTES);
      let fill = 0;
      f.on('data', (d: Buffer) => {
        for (let pos = 0; pos < d.length; ) {
          const n = Math.min(ACK_BYTES - fill, d.length - pos);
          d.copy(ack, fill, pos, pos + n);
          fill += n;
          pos += n;
          if (fill === ACK_BYTES) {
            this.followerStored[i] = ack.readDoubleBE(0);
            fill = 0;
          }
        }
        this.answerStored();
      });
    });
  }

  /** Sends a piece of a frame's payload (which must not change until stored) on to every follower, as it is read. */
  forward(piece: Buffer): void {
    for (const f of this.followers) f.write(piece);
    this.forwarded += piece.length;
  }

  handedOn(): number {
    return this.forwarded;
  }

  stored(): number {
    return Math.min(this.local.stored, ...this.followerStored);
  }

  /**
   * Stores a frame's payload here, in one write (through the thread pool when larger than the broker writes at once),
   * and answers the produce once it is stored here and on every follower.
   */
  store(pieces: Buffer[], bytes: number, socket: Socket, correlationId: number): void {
    this.local.append(pieces, bytes > SYNC_APPEND_MAX_BYTES);
    this.waiting.push({ end: this.local.appendedBytes, socket, correlationId });
    this.answerStored();
  }

  private answerStored(): void {
    const everywhere = this.stored();
    while (this.next < this.waiting.length && this.waiting[this.next]!.end <= everywhere) {
      const w = this.waiting[this.next++]!;
      for (const part of responseFrame(produceAnswer, w.correlationId)) w.socket.write(part);
    }
    if (this.next === this.waiting.length) {
      this.waiting.length = 0;
      this.next = 0;
    }
  }
}

function connectFollower(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      s.off('error', reject);
      s.setNoDelay(true);
      resolve(s);
    });
    s.once('error', reject);
  });
}

const storage = appendFd >= 0 ? new Storage(appendFd, await Promise.all((config.replicateTo ?? []).map(connectFollower))) : null;

function serve(accepted: Socket): void {
  const head = Buffer.alloc(REQUEST_HEAD_BYTES);
  let headFill = 0;
  /** Bytes of the current frame's body still to skip. */
  let skip = 0;
  /** The frame being skipped is a produce whose payload goes to appendFile, answered once stored. */
  let store = false;
  let correlationId = 0;
  /** Bytes of the current frame's body, and those read so far when it is stored. */
  let frameBytes = 0;
  let pieces: Buffer[] = [];
  const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  const onChunk = (chunk: Buffer) => {
    socket.cork();
    let pos = 0;
    while (pos < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - pos);
        if (store) {
          const piece = chunk.subarray(pos, pos + n);
          pieces.push(piece);
          storage!.forward(piece);
        }
        skip -= n;
        pos += n;
        if (store && skip === 0) {
          storage!.store(pieces, frameBytes, socket, correlationId);
          pieces = [];
        }
        continue;
      }
      const n = Math.min(REQUEST_HEAD_BYTES - headFill, chunk.length - pos);
      chunk.copy(head, headFill, pos, pos + n);
      headFill += n;
      pos += n;
      if (headFill < REQUEST_HEAD_BYTES) break;
      headFill = 0;
      skip = head.readInt32BE(0) + 4 - REQUEST_HEAD_BYTES;
      frameBytes = skip;
      const isFetch = head.readInt16BE(4) === ApiKey.Fetch;
      store = storage !== null && !isFetch && skip > 0;
      correlationId = head.readInt32BE(8);
      const answer: FrameTemplate = isFetch ? fetchAnswer : produceAnswer;
      if (!store) for (const part of responseFrame(answer, correlationId)) socket.write(part);
    }
    socket.uncork();
  };
  const direct = config.streamReads
    ? null
    : storage
      ? directReadSocket(accepted, blockReads(storage, (buf, n) => onChunk(buf.subarray(0, n))))
      : directReadSocket(accepted, { buffer: () => readBuffer, callback: (n) => onChunk(readBuffer.subarray(0, n)) });
  const socket = direct ?? accepted;
  if (direct === null) socket.on('data', onChunk).resume();
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
}

listenOnLoopback(serve);
