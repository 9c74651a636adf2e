// One client connection: 4-byte size framing, socket.request.max.bytes, requests handed to the dispatcher as they
// arrive (pipelined), responses sent strictly in request order (a queue of slots; a handler may finish out of order),
// acks=0 produce without a response, and back-pressure: a connection with too many unsent response bytes or too many
// unanswered requests is not read until the socket drains.
// A frame whole inside a socket read is decoded in place; one split across reads is copied once, as its pieces
// arrive, into a buffer of its size from the broker's pool, which takes it back once the response is complete when
// the dispatcher says the request's bytes are no longer read by then. Responses completed while one callback's
// microtasks run (the requests of one socket read, say) go out in one corked write; held to the end of the whole
// event-loop turn instead, they would leave the client idle while the broker works through the turn's reads.
// Pooled buffers in responses (fetch reads) return to the pool once the socket took them.
import type { Socket } from 'node:net';
import { brokerBufferPool, type BufferPool } from './buffer-pool.js';
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
  /** Pooled buffers in the response may go back to the pool once written (no test hook may still look at them). */
  recycle: boolean;
}

/** A frame split across socket reads, gathered in one buffer: its 4-byte size, then the frame. */
interface Assembly {
  buf: Buffer;
  filled: number;
}

export class KafkaConnection implements ConnectionInfo {
  readonly clientAddress: string;
  closed = false;
  /** Bytes received and not yet handed to the dispatcher, from a frame boundary: frames held while paused, or a tail too short to hold a size. */
  private inbox: Buffer | null = null;
  /** The frame being gathered from several reads (the inbox is empty meanwhile). */
  private assembly: Assembly | null = null;
  /** The socket is corked until the current callback's microtasks have run, gathering the responses completed in them. */
  private corked = false;
  private readonly slots: Slot[] = [];
  private readonly pauseReasons = new Set<'output' | 'in-flight' | 'closing'>();
  private inboxRunQueued = false;
  /** Shutting down: no more requests are read; the connection closes once the queue is empty. */
  private draining = false;
  private drainTimer: NodeJS.Timeout | undefined;
  private readonly closedPromise: Promise<void>;
  private resolveClosed!: () => void;

  constructor(
    readonly socket: Socket,
    readonly connectionId: string,
    readonly listenerName: string,
    private readonly dispatcher: Dispatcher,
    private readonly limits: ConnectionLimits,
    private readonly log: BrokerLog,
    private readonly logPrefix: string,
    private readonly onClosed: (conn: KafkaConnection) => void,
    private readonly pool: BufferPool = brokerBufferPool,
  ) {
    this.clientAddress = `/${(socket.remoteAddress ?? '').replace(/^::ffff:/, '')}:${socket.remotePort}`;
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
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

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    const a = this.assembly;
    if (a === null) {
      this.inbox = this.inbox ? Buffer.concat([this.inbox, chunk]) : chunk;
    } else {
      const n = Math.min(a.buf.length - a.filled, chunk.length);
      chunk.copy(a.buf, a.filled, 0, n);
      a.filled += n;
      if (a.filled < a.buf.length) return;
      this.assembly = null;
      const rest = n < chunk.length ? chunk.subarray(n) : null;
      if (this.pauseReasons.size > 0) {
        // Not read now: held with what follows it (and left to the garbage collector).
        this.inbox = rest ? Buffer.concat([a.buf, rest]) : a.buf;
      } else {
        this.onFrame(a.buf, 4, a.buf.length, a.buf);
        if (this.closed) return;
        this.inbox = rest;
      }
    }
    this.processInbox();
  }

  /** Hands whole frames to the dispatcher until the inbox runs out or the connection is paused. */
  private processInbox(): void {
    const buf = this.inbox;
    if (!buf || this.closed) return;
    let pos = 0;
    while (this.pauseReasons.size === 0 && buf.length - pos >= 4) {
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
      if (buf.length - pos - 4 < size) {
        // The rest of this frame comes in later reads: gather it in a buffer of its own.
        const frame = this.pool.acquire(4 + size);
        const have = buf.copy(frame, 0, pos);
        this.assembly = { buf: frame, filled: have };
        this.inbox = null;
        return;
      }
      const start = pos + 4;
      pos = start + size;
      this.onFrame(buf, start, pos, null);
      if (this.closed) return;
    }
    this.inbox = pos === buf.length ? null : pos === 0 ? buf : buf.subarray(pos);
  }

  /** `pooled`: the pool's buffer holding the frame, returned once the request no longer reads it. */
  private onFrame(buf: Buffer, start: number, end: number, pooled: Buffer | null): void {
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
    const slot: Slot = { correlationId: dispatched.correlationId, done: false, chunks: null, recycle: dispatched.hooked === false };
    this.slots.push(slot);
    if (this.slots.length >= this.limits.maxInFlightRequests) this.pauseReading('in-flight');
    const release = pooled !== null && dispatched.frameFreeAfterResponse ? () => this.pool.release(pooled) : null;
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
        process.nextTick(this.uncork);
      }
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
  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  private pauseReading(reason: 'output' | 'in-flight' | 'closing'): void {
    if (this.pauseReasons.size === 0) this.socket.pause();
    this.pauseReasons.add(reason);
  }

  private resumeReading(reason: 'output' | 'in-flight' | 'closing'): void {
    if (!this.pauseReasons.delete(reason) || this.pauseReasons.size > 0 || this.closed) return;
    this.socket.resume();
    // Frames already received go first, in a turn of their own rather than inside whatever resumed us.
    if (this.inbox && !this.inboxRunQueued) {
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
    this.inbox = null;
    this.assembly = null;
    this.slots.length = 0;
    clearTimeout(this.drainTimer);
    this.socket.setTimeout(0);
    // Read (and drop) whatever still comes, so the peer's close is seen and the socket goes away without waiting.
    this.socket.resume();
    this.onClosed(this);
  }
}
