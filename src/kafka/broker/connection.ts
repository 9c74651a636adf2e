// One client connection: 4-byte size framing, socket.request.max.bytes, requests handed to the dispatcher as they
// arrive (pipelined), responses sent strictly in request order (a queue of slots; a handler may finish out of order),
// acks=0 produce without a response, and back-pressure: a connection with too many unsent response bytes or too many
// unanswered requests is not read until the socket drains.
// The socket reads into buffers of the connection's choosing (direct-read-socket.ts): frames into a receive buffer
// from the broker's pool that is only ever filled forward (a frame handed out stays a valid view of it), and, as
// Kafka's NetworkReceive, a large frame that does not fit in what is left of it into a pooled buffer of the frame's
// size, the reads going straight there. The receive buffer grows while reads fill it (up to 1 MiB, so that one read
// and one write of responses serve many pipelined requests) and shrinks back when they do not. A buffer goes back
// to its pool once no frame in it is read any more: the connection has moved on to another, and every frame handed
// out of it had a response complete and was one whose bytes the dispatcher says are not read after that.
// Responses completed while one callback's microtasks run (the requests of one socket read, say) go out in one corked
// write; held to the end of the whole event-loop turn instead, they would leave the client idle while the broker
// works through the turn's reads. Of the connections with responses gathered so, those answering fetches are written
// first: a consumer or a follower waits on their records (a follower's next fetch is what moves the high watermark),
// and each write wakes its client, which on a busy machine may take the broker's CPU before the next write is made.
// Pooled buffers in responses (fetch reads) return to the pool once the socket took them.
import type { Socket } from 'node:net';
import { ApiKey } from '../protocol/index.js';
import { directReadSocket } from './direct-read-socket.js';
import { brokerBufferPool, brokerReceivePool, type BufferPool } from './buffer-pool.js';
import { CloseConnection } from './handler.js';
import type { ConnectionInfo, Dispatched, Dispatcher } from './dispatcher.js';
import { PROCESSOR_LOGGER, type BrokerLog } from './broker-log.js';

export interface ConnectionLimits {
  /** socket.request.max.bytes: a larger size prefix closes the connection. */
  maxRequestBytes: number;
  /** Unsent response bytes past which the connection's requests are not read until its socket drains. */
  maxUnsentBytes: number;
  /** Requests received and not yet answered past which the connection is not read (queued.max.requests). */
  maxInFlightRequests: number;
  /** connections.max.idle.ms: a connection with no traffic and nothing in flight for this long is closed. */
  idleTimeoutMs: number;
  /** How long a close waits for the socket to flush before it is destroyed. */
  closeLingerMs: number;
}

interface Slot {
  correlationId: number;
  done: boolean;
  /** The framed response; null = none (acks=0 produce). */
  chunks: Buffer[] | null;
  /** Close the connection here instead of answering. */
  closeReason?: string;
  /** The response to a Fetch. */
  fetch?: boolean;
  /** Pooled buffers in the response may go back to the pool once written (no test hook may still look at them). */
  recycle: boolean;
}

/** Sizes of a receive buffer; a frame that does not fit in what is left of one and is at least LARGE_FRAME_BYTES gets its own. */
const MIN_RECEIVE_BYTES = 64 * 1024;
const MAX_RECEIVE_BYTES = 1024 * 1024;
const LARGE_FRAME_BYTES = 256 * 1024;
/** A receive buffer with less room than this left is replaced before the next read. */
const MIN_READ_BYTES = 4 * 1024;
/** Connections corked while the current callback's microtasks run; uncorked together once they have. */
const corkedConnections: KafkaConnection[] = [];

function uncorkAll(): void {
  const conns = corkedConnections.splice(0);
  for (const conn of conns) if (conn.corkedFetch) conn.uncork();
  for (const conn of conns) conn.uncork();
}

/** Where reads go once the connection is closed (read and dropped). */
const DISCARD = Buffer.allocUnsafe(MIN_RECEIVE_BYTES);

/** A pooled receive buffer and the frames handed out of it that may still be read. */
interface ReceiveBuffer {
  buf: Buffer;
  inUse: number;
  /** The connection reads into another one now. */
  retired: boolean;
  /** The largest single read into it. */
  largestRead: number;
}

export class KafkaConnection implements ConnectionInfo {
  readonly socket: Socket;
  readonly clientAddress: string;
  closed = false;
  /** Filled forward only: frames handed to the dispatcher are views of it. Replaced when full. */
  private receive: ReceiveBuffer;
  private rbuf: Buffer;
  /** rbuf[rstart, rend): bytes received and not yet handed to the dispatcher, from a frame boundary. */
  private rstart = 0;
  private rend = 0;
  /** A large frame being read into a buffer of its own (size prefix included), and the bytes of it read so far. */
  private frame: Buffer | null = null;
  private frameFilled = 0;
  /**
   * The last frame was a large one: reads into rbuf take at most MIN_RECEIVE_BYTES, so that of the next large frame
   * little lands there to be copied to its own buffer.
   */
  private largeFrames = false;
  /** Large frames complete and not yet handed to the dispatcher (read while paused); they go before rbuf's bytes. */
  private readonly heldFrames: Buffer[] = [];
  /** The socket is corked until the current callback's microtasks have run, gathering the responses completed in them. */
  private corked = false;
  /** A fetch response is among those gathered. */
  corkedFetch = false;
  private readonly slots: Slot[] = [];
  private readonly pauseReasons = new Set<'output' | 'in-flight' | 'closing'>();
  private inboxRunQueued = false;
  /** Shutting down: no more requests are read; the connection closes once the queue is empty. */
  private draining = false;
  private drainTimer: NodeJS.Timeout | undefined;
  private readonly closedPromise: Promise<void>;
  private resolveClosed!: () => void;

  constructor(
    accepted: Socket,
    readonly connectionId: string,
    readonly listenerName: string,
    private readonly dispatcher: Dispatcher,
    private readonly limits: ConnectionLimits,
    private readonly log: BrokerLog,
    private readonly logPrefix: string,
    private readonly onClosed: (conn: KafkaConnection) => void,
    /** Where pooled buffers in responses (fetch reads) go back once written. */
    private readonly pool: BufferPool = brokerBufferPool,
    /**
     * Receive buffers and large frames. A pool of their own: a response may hold views of a request's bytes (group
     * metadata, say), which must not look like the response pool's buffers and be handed back when written.
     */
    private readonly receivePool: BufferPool = brokerReceivePool,
  ) {
    this.clientAddress = `/${(accepted.remoteAddress ?? '').replace(/^::ffff:/, '')}:${accepted.remotePort}`;
    this.receive = this.newReceive(MIN_RECEIVE_BYTES);
    this.rbuf = this.receive.buf;
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));
    const direct = directReadSocket(accepted, { buffer: () => this.readTarget(), callback: (n) => this.onRead(n) });
    const socket = direct ?? accepted;
    this.socket = socket;
    if (direct === null) {
      socket.on('data', (chunk: Buffer) => this.onData(chunk));
      socket.resume();
    }
    socket.setNoDelay(true);
    socket.on('drain', () => this.resumeReading('output'));
    socket.on('error', () => this.destroy());
    socket.on('close', () => {
      this.destroy();
      this.resolveClosed();
    });
    if (limits.idleTimeoutMs > 0) {
      socket.setTimeout(Math.min(limits.idleTimeoutMs, 0x7fffffff));
      socket.on('timeout', () => {
        if (this.slots.length > 0 || this.closed) return;
        this.log('DEBUG', `${this.logPrefix} Closing idle connection ${this.connectionId}`, PROCESSOR_LOGGER);
        this.close();
      });
    }
  }

  /** Requests received and not yet answered (or skipped). */
  get inFlight(): number {
    return this.slots.length;
  }

  get paused(): boolean {
    return this.pauseReasons.size > 0;
  }

  /** The buffer the next read goes to: the rest of the large frame being read, or the free end of rbuf. */
  private readTarget(): Buffer {
    if (this.closed) return DISCARD;
    if (this.frame !== null) return this.frame.subarray(this.frameFilled);
    if (this.rbuf.length - this.rend < MIN_READ_BYTES) this.newReceiveBuffer(0);
    return this.largeFrames ? this.rbuf.subarray(this.rend, this.rend + MIN_RECEIVE_BYTES) : this.rbuf.subarray(this.rend);
  }

  private newReceive(size: number): ReceiveBuffer {
    return { buf: this.receivePool.acquire(size), inUse: 0, retired: false, largestRead: 0 };
  }

  /** Moves the unhandled bytes to a fresh receive buffer with at least `room` bytes after them. */
  private newReceiveBuffer(room: number): void {
    const old = this.receive;
    const pending = this.rend - this.rstart;
    // Doubled while reads fill what they are offered, back to the minimum when they stay small.
    const grow = old.largestRead >= old.buf.length / 2 ? Math.min(MAX_RECEIVE_BYTES, old.buf.length * 2) : old.largestRead < MIN_RECEIVE_BYTES / 2 ? MIN_RECEIVE_BYTES : old.buf.length;
    this.receive = this.newReceive(Math.max(grow, pending + Math.max(room, MIN_READ_BYTES)));
    this.rbuf = this.receive.buf;
    old.buf.copy(this.rbuf, 0, this.rstart, this.rend);
    this.rstart = 0;
    this.rend = pending;
    this.retire(old);
  }

  private retire(r: ReceiveBuffer): void {
    r.retired = true;
    if (r.inUse === 0) this.receivePool.release(r.buf);
  }

  /** `n` bytes were read into the buffer readTarget returned last. */
  private onRead(n: number): void {
    if (this.closed) return;
    if (this.frame === null) {
      this.rend += n;
      if (n > this.receive.largestRead) this.receive.largestRead = n;
      this.processInbox();
      return;
    }
    this.frameFilled += n;
    if (this.frameFilled < this.frame.length) return;
    const frame = this.frame;
    this.frame = null;
    if (this.pauseReasons.size > 0) {
      this.heldFrames.push(frame);
      return;
    }
    this.onFrame(frame, 4, frame.length, () => this.receivePool.release(frame));
    this.processInbox();
  }

  /** Without direct reads: each chunk is copied to where a direct read would have put it. */
  private onData(chunk: Buffer): void {
    for (let pos = 0; pos < chunk.length && !this.closed; ) {
      const target = this.readTarget();
      const n = Math.min(target.length, chunk.length - pos);
      chunk.copy(target, 0, pos, pos + n);
      pos += n;
      this.onRead(n);
    }
  }

  /** Hands whole frames to the dispatcher until the received bytes run out or the connection is paused. */
  private processInbox(): void {
    while (this.heldFrames.length > 0 && this.pauseReasons.size === 0 && !this.closed) {
      const frame = this.heldFrames.shift()!;
      this.onFrame(frame, 4, frame.length, () => this.receivePool.release(frame));
    }
    while (this.pauseReasons.size === 0 && !this.closed && this.heldFrames.length === 0 && this.rend - this.rstart >= 4) {
      const buf = this.rbuf;
      const pos = this.rstart;
      const size = buf.readInt32BE(pos);
      if (size < 0 || size > this.limits.maxRequestBytes) {
        // Kafka's NetworkReceive refuses the size before reading the payload; the connection goes.
        this.log(
          'WARN',
          `${this.logPrefix} Unexpected error from ${this.clientAddress}; closing connection: Invalid receive (size = ${size} larger than ${this.limits.maxRequestBytes})`,
          'org.apache.kafka.common.network.Selector',
        );
        this.close();
        return;
      }
      const have = this.rend - pos;
      this.largeFrames = 4 + size >= LARGE_FRAME_BYTES;
      if (have - 4 < size) {
        // The rest of this frame comes in later reads.
        if (pos + 4 + size <= buf.length) return;
        if (4 + size >= LARGE_FRAME_BYTES) {
          // Read straight into a buffer of its own.
          const frame = this.receivePool.acquire(4 + size);
          buf.copy(frame, 0, pos, this.rend);
          this.frame = frame;
          this.frameFilled = have;
          this.rstart = this.rend;
        } else {
          this.newReceiveBuffer(4 + size - have);
        }
        return;
      }
      this.rstart = pos + 4 + size;
      const r = this.receive;
      r.inUse++;
      this.onFrame(buf, pos + 4, pos + 4 + size, () => {
        if (--r.inUse === 0 && r.retired) this.receivePool.release(r.buf);
      });
    }
  }

  /** `free`: called once the request no longer reads the frame's bytes (never for a request that may keep them). */
  private onFrame(buf: Buffer, start: number, end: number, free: () => void): void {
    let dispatched: Dispatched;
    try {
      dispatched = this.dispatcher.dispatch(buf, start, end, this);
    } catch (err) {
      // A bug, not bad input (that is a 'close' answer): this connection goes, the broker and its other clients stay.
      dispatched = { kind: 'close', reason: `failed to read a request: ${(err as Error)?.stack ?? String(err)}` };
    }
    if (dispatched.kind === 'close') {
      this.slots.push({ correlationId: -1, done: true, chunks: null, closeReason: dispatched.reason, recycle: false });
      this.pauseReading('closing');
      this.sendReady();
      return;
    }
    const slot: Slot = { correlationId: dispatched.correlationId, done: false, chunks: null, recycle: dispatched.hooked === false, fetch: dispatched.apiKey === ApiKey.Fetch };
    this.slots.push(slot);
    if (this.slots.length >= this.limits.maxInFlightRequests) this.pauseReading('in-flight');
    const release = dispatched.frameFreeAfterResponse ? free : null;
    dispatched.response.then(
      (chunks) => {
        release?.();
        slot.done = true;
        slot.chunks = chunks;
        this.sendReady();
      },
      (err: unknown) => {
        release?.();
        slot.done = true;
        slot.closeReason = err instanceof CloseConnection ? err.message : `failed to handle a request: ${(err as Error)?.message ?? String(err)}`;
        if (!(err instanceof CloseConnection)) this.log('ERROR', `${this.logPrefix} ${slot.closeReason}`, PROCESSOR_LOGGER);
        this.pauseReading('closing');
        this.sendReady();
      },
    );
  }

  /** Sends the responses at the head of the queue that are complete; stops at the first still being handled. */
  private sendReady(): void {
    if (this.closed) return;
    while (this.slots.length > 0 && this.slots[0]!.done) {
      const slot = this.slots.shift()!;
      if (slot.closeReason !== undefined) {
        this.log('ERROR', `${this.logPrefix} Closing socket for ${this.connectionId} because of error: ${slot.closeReason}`, PROCESSOR_LOGGER);
        this.close();
        return;
      }
      if (slot.chunks === null) continue;
      if (!this.corked) {
        this.corked = true;
        this.socket.cork();
        if (corkedConnections.push(this) === 1) process.nextTick(uncorkAll);
      }
      if (slot.fetch) this.corkedFetch = true;
      for (const chunk of slot.chunks) {
        if (slot.recycle && this.pool.owns(chunk)) this.socket.write(chunk, () => this.pool.release(chunk));
        else this.socket.write(chunk);
      }
    }
    if (this.slots.length < this.limits.maxInFlightRequests) this.resumeReading('in-flight');
    if (this.socket.writableLength > this.limits.maxUnsentBytes) this.pauseReading('output');
    if (this.draining && this.slots.length === 0) this.close();
  }

  /** Ends this turn's cork: the responses written since go out in one writev. */
  uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    this.corkedFetch = false;
    this.socket.uncork();
  }

  private pauseReading(reason: 'output' | 'in-flight' | 'closing'): void {
    if (this.pauseReasons.size === 0) this.socket.pause();
    this.pauseReasons.add(reason);
  }

  private resumeReading(reason: 'output' | 'in-flight' | 'closing'): void {
    if (!this.pauseReasons.delete(reason) || this.pauseReasons.size > 0 || this.closed) return;
    this.socket.resume();
    // Frames already received go first, in a turn of their own rather than inside whatever resumed us.
    if ((this.heldFrames.length > 0 || this.rend - this.rstart >= 4) && !this.inboxRunQueued) {
      this.inboxRunQueued = true;
      setImmediate(() => {
        this.inboxRunQueued = false;
        if (!this.closed && this.pauseReasons.size === 0) this.processInbox();
      });
    }
  }

  /** Stops reading, sends the responses to requests already received, then closes (or closes after `timeoutMs`). */
  drainAndClose(timeoutMs: number): Promise<void> {
    if (this.closed) return this.closedPromise;
    this.draining = true;
    this.pauseReading('closing');
    this.drainTimer = setTimeout(() => this.close(), timeoutMs);
    this.drainTimer.unref();
    if (this.slots.length === 0) this.close();
    return this.closedPromise;
  }

  /** Resolves once the socket is gone. */
  whenClosed(): Promise<void> {
    return this.closedPromise;
  }

  /** Ends the connection after what is queued on the socket is flushed (destroyed after closeLingerMs regardless). */
  close(): void {
    if (this.closed) return;
    this.markClosed();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), this.limits.closeLingerMs).unref();
  }

  private destroy(): void {
    if (!this.closed) this.markClosed();
    this.socket.destroy();
  }

  private markClosed(): void {
    this.closed = true;
    this.frame = null;
    this.heldFrames.length = 0;
    this.rstart = this.rend;
    this.retire(this.receive);
    this.slots.length = 0;
    clearTimeout(this.drainTimer);
    this.socket.setTimeout(0);
    // Read (and drop) whatever still comes, so the peer's close is seen and the socket goes away without waiting.
    this.socket.resume();
    this.onClosed(this);
  }
}
