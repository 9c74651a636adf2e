// One client connection: 4-byte size framing, socket.request.max.bytes, requests handled one at a time in arrival
// order as Kafka does (a pipelined request is read ahead and waits in a queue until the one before it has its response
// queued), responses sent in request order, acks=0 produce without a response, and back-pressure: a connection with
// too many unsent response bytes or too many unanswered requests is not read until the socket drains.
import type { Socket } from 'node:net';
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
}

export class KafkaConnection implements ConnectionInfo {
  readonly clientAddress: string;
  closed = false;
  /** Bytes received and not yet handed to the dispatcher: a partial frame, or frames held while paused. */
  private inbox: Buffer | null = null;
  /** Chunks of a frame still incomplete, kept apart and joined once (a large request is not re-copied per chunk). */
  private partialChunks: Buffer[] = [];
  private partialBytes = 0;
  /** Bytes the incomplete frame at the end of the inbox still lacks. */
  private missingBytes = 0;
  private readonly slots: Slot[] = [];
  /** Frames read ahead while a request of this connection is being handled; each starts when the one before is done. */
  private readonly waiting: Buffer[] = [];
  private handling = false;
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
    return this.slots.length + this.waiting.length;
  }

  get paused(): boolean {
    return this.pauseReasons.size > 0;
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    if (this.missingBytes > 0) {
      this.partialChunks.push(chunk);
      this.partialBytes += chunk.length;
      if (this.partialBytes < this.missingBytes) return;
      this.inbox = Buffer.concat([this.inbox!, ...this.partialChunks]);
      this.partialChunks = [];
      this.partialBytes = 0;
      this.missingBytes = 0;
    } else {
      this.inbox = this.inbox ? Buffer.concat([this.inbox, chunk]) : chunk;
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
        this.missingBytes = size - (buf.length - pos - 4);
        break;
      }
      const start = pos + 4;
      pos = start + size;
      this.onFrame(buf.subarray(start, pos));
      if (this.closed) return;
    }
    this.inbox = pos === buf.length ? null : pos === 0 ? buf : buf.subarray(pos);
  }

  private onFrame(frame: Buffer): void {
    if (!this.handling) return this.handleFrame(frame);
    this.waiting.push(frame);
    if (this.inFlight >= this.limits.maxInFlightRequests) this.pauseReading('in-flight');
  }

  /** The next read-ahead frame, once the request before it has its response queued (Kafka unmutes the channel then). */
  private handleNextWaiting(): void {
    const next = this.waiting.shift();
    if (next !== undefined && !this.closed) this.handleFrame(next);
  }

  private handleFrame(frame: Buffer): void {
    let dispatched: Dispatched;
    try {
      dispatched = this.dispatcher.dispatch(frame, 0, frame.length, this);
    } catch (err) {
      // A bug, not bad input (that is a 'close' answer): this connection goes, the broker and its other clients stay.
      dispatched = { kind: 'close', reason: `failed to read a request: ${(err as Error)?.stack ?? String(err)}` };
    }
    if (dispatched.kind === 'close') {
      // Nothing after this frame is handled: the connection closes when its turn to answer comes.
      this.waiting.length = 0;
      this.slots.push({ correlationId: -1, done: true, chunks: null, closeReason: dispatched.reason });
      this.pauseReading('closing');
      this.sendReady();
      return;
    }
    const slot: Slot = { correlationId: dispatched.correlationId, done: false, chunks: null };
    this.slots.push(slot);
    this.handling = true;
    if (this.inFlight >= this.limits.maxInFlightRequests) this.pauseReading('in-flight');
    dispatched.response.then(
      (chunks) => {
        slot.done = true;
        slot.chunks = chunks;
        this.handling = false;
        this.handleNextWaiting();
        this.sendReady();
      },
      (err: unknown) => {
        slot.done = true;
        slot.closeReason = err instanceof CloseConnection ? err.message : `failed to handle a request: ${(err as Error)?.message ?? String(err)}`;
        if (!(err instanceof CloseConnection)) this.log('ERROR', `${this.logPrefix} ${slot.closeReason}`, PROCESSOR_LOGGER);
        this.handling = false;
        this.waiting.length = 0;
        this.pauseReading('closing');
        this.sendReady();
      },
    );
  }

  /** Sends the responses at the head of the queue that are complete; stops at the first still being handled. */
  private sendReady(): void {
    if (this.closed) return;
    let wrote = false;
    while (this.slots.length > 0 && this.slots[0]!.done) {
      const slot = this.slots.shift()!;
      if (slot.closeReason !== undefined) {
        if (wrote) this.socket.uncork();
        this.log('ERROR', `${this.logPrefix} Closing socket for ${this.connectionId} because of error: ${slot.closeReason}`, PROCESSOR_LOGGER);
        this.close();
        return;
      }
      if (slot.chunks === null) continue;
      if (!wrote) this.socket.cork();
      wrote = true;
      for (const chunk of slot.chunks) this.socket.write(chunk);
    }
    if (wrote) this.socket.uncork();
    if (this.inFlight < this.limits.maxInFlightRequests) this.resumeReading('in-flight');
    if (this.socket.writableLength > this.limits.maxUnsentBytes) this.pauseReading('output');
    if (this.draining && this.slots.length === 0) this.close();
  }

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
    this.partialChunks = [];
    this.slots.length = 0;
    this.waiting.length = 0;
    clearTimeout(this.drainTimer);
    this.socket.setTimeout(0);
    // Read (and drop) whatever still comes, so the peer's close is seen and the socket goes away without waiting.
    this.socket.resume();
    this.onClosed(this);
  }
}
