// One TCP connection to one broker: requests pipelined under correlation ids, at most maxInFlightRequests
// unanswered at once, a bounded queue behind them, a deadline per request, a cap on response size, and the
// ApiVersions exchange that fixes which version of each API this connection speaks.
import { Socket, connect as tcpConnect } from 'node:net';
import { decodeResponse, encodeRequest } from '../../protocol/codec.js';
import { ApiKey, type ApiMessages } from '../../protocol/schemas/index.js';
import { KafkaClientError } from '../errors/kafka-protocol-error.js';
import { KafkaConnectionError, KafkaRequestTimeoutError } from '../errors/client-errors.js';
import { FrameTooLargeError } from './frame-decoder.js';
import { FrameReader } from './frame-reader.js';
import { apiKeyName, type VersionTable } from './version-table.js';

export interface ConnectionOptions {
  host: string;
  port: number;
  clientId: string | null;
  /** max.in.flight.requests.per.connection */
  maxInFlightRequests: number;
  /** Requests allowed to wait for an in-flight slot; one more is refused rather than queued. */
  maxQueuedRequests: number;
  /** request.timeout.ms: from the moment a request is written to its response. */
  requestTimeoutMs: number;
  /** socket.connection.setup.timeout.ms */
  connectTimeoutMs: number;
  /** Largest response frame accepted; a larger one closes the connection. */
  maxResponseBytes: number;
}

export const CONNECTION_DEFAULTS = {
  clientId: 'zkafka',
  maxInFlightRequests: 5,
  maxQueuedRequests: 1000,
  requestTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  maxResponseBytes: 256 * 1024 * 1024,
} as const;

export interface RequestOptions {
  /** Version to send; by default the highest both sides support. */
  version?: number;
  /** False for Produce with acks=0: the broker sends nothing back, the promise settles once the bytes are written. */
  expectResponse?: boolean;
  /** Overrides requestTimeoutMs (e.g. a Fetch that waits maxWaitMs at the broker). */
  timeoutMs?: number;
}

interface Pending {
  apiKey: number;
  correlationId: number;
  version: number;
  chunks: Buffer[];
  expectResponse: boolean;
  timeoutMs: number;
  resolve: (body: any) => void;
  reject: (err: Error) => void;
  timer?: NodeJS.Timeout;
}

export class BrokerConnection {
  private readonly socket: Socket;
  private readonly inFlight = new Map<number, Pending>();
  private readonly queue: Pending[] = [];
  private nextCorrelationId = 0;
  private writable = true;
  private closedError: Error | undefined;
  private versions: VersionTable | undefined;
  private draining = false;
  private idleWaiters: (() => void)[] = [];
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;

  private constructor(
    readonly options: ConnectionOptions,
    socket: Socket,
    reader: { onFrame: (frame: Buffer) => void; onRead: () => void; onError: (err: unknown) => void },
    private readonly frames: FrameReader,
  ) {
    this.socket = socket;
    reader.onFrame = (frame) => this.onFrame(frame);
    reader.onRead = () => this.afterRead();
    reader.onError = (err) => this.failRead(err);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.setNoDelay(true);
    socket.on('drain', () => {
      this.writable = true;
      this.pump();
    });
    socket.on('error', (err) => this.fail(new KafkaConnectionError(`connection to ${this.address} failed: ${err.message}`, { cause: err })));
    socket.on('close', () => this.fail(new KafkaConnectionError(`connection to ${this.address} closed`)));
  }

  /** Opens a TCP connection (no ApiVersions exchange yet: see negotiateVersions in api-versions.ts). */
  static open(options: ConnectionOptions): Promise<BrokerConnection> {
    return new Promise((resolve, reject) => {
      // Responses are read straight into buffers the FrameReader picks (a large one into a buffer of its size).
      const sink = { onFrame: (_frame: Buffer) => {}, onRead: () => {}, onError: (_err: unknown) => {} };
      const reader = new FrameReader(options.maxResponseBytes, (frame) => sink.onFrame(frame));
      const onread = {
        buffer: () => reader.buffer(),
        callback: (n: number) => {
          try {
            reader.read(n);
          } catch (err) {
            sink.onError(err);
            return false;
          }
          sink.onRead();
          return true;
        },
      };
      const socket = tcpConnect({ host: options.host, port: options.port, onread });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new KafkaConnectionError(`connecting to ${options.host}:${options.port} timed out after ${options.connectTimeoutMs} ms`));
      }, options.connectTimeoutMs);
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(new KafkaConnectionError(`cannot connect to ${options.host}:${options.port}: ${err.message}`, { cause: err }));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(new BrokerConnection(options, socket, sink, reader));
      });
    });
  }

  /**
   * The bytes of a response (a view of them: a fetch response's records) are no longer read by anyone: a large
   * response's buffer is used again for a later one (FrameReader.recycle).
   */
  recycle(bytes: Uint8Array): void {
    this.frames.recycle(bytes);
  }

  get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  get isClosed(): boolean {
    return this.closedError !== undefined;
  }

  /** Requests written and not answered, plus those waiting: what "least loaded" compares. */
  get load(): number {
    return this.inFlight.size + this.queue.length;
  }

  /** Requests waiting to be written (no in-flight slot, or the socket is not taking more bytes). */
  get queued(): number {
    return this.queue.length;
  }

  get versionTable(): VersionTable | undefined {
    return this.versions;
  }

  setVersionTable(table: VersionTable): void {
    this.versions = table;
  }

  /** Whether the broker supports the api at some version this client can send. */
  supports(apiKey: ApiKey): boolean {
    return this.versions?.has(apiKey) ?? false;
  }

  /** The version a request of this api would be sent at. */
  versionFor(apiKey: ApiKey, maxVersion?: number): number {
    if (this.versions === undefined) throw new KafkaClientError(`no API versions known for ${this.address}`, false);
    return this.versions.pick(apiKey, maxVersion);
  }

  /**
   * Sends a request and resolves with the decoded response body. The body is built by `build` for the version
   * chosen, so callers can fill version-dependent fields.
   */
  send<K extends ApiKey>(
    apiKey: K,
    build: ApiMessages[K]['request'] | ((version: number) => ApiMessages[K]['request']),
    opts: RequestOptions = {},
  ): Promise<ApiMessages[K]['response']> {
    if (this.closedError !== undefined) return Promise.reject(this.closedError);
    if (this.draining) return Promise.reject(new KafkaConnectionError(`connection to ${this.address} is closing`));
    let version: number;
    let chunks: Buffer[];
    const correlationId = this.nextCorrelationId;
    try {
      version = opts.version ?? this.versionFor(apiKey);
      const body = typeof build === 'function' ? (build as (v: number) => ApiMessages[K]['request'])(version) : build;
      this.nextCorrelationId = (this.nextCorrelationId + 1) & 0x7fffffff;
      chunks = encodeRequest({ apiKey, apiVersion: version, correlationId, clientId: this.options.clientId }, body);
    } catch (err) {
      return Promise.reject(err);
    }
    const mustWait = !this.writable || this.inFlight.size >= this.options.maxInFlightRequests || this.queue.length > 0;
    if (mustWait && this.queue.length >= this.options.maxQueuedRequests) {
      return Promise.reject(new KafkaClientError(`${this.options.maxQueuedRequests} requests already wait for ${this.address}`, true));
    }
    return new Promise((resolve, reject) => {
      const pending: Pending = { apiKey, correlationId, version, chunks, expectResponse: opts.expectResponse ?? true, timeoutMs: opts.timeoutMs ?? this.options.requestTimeoutMs, resolve, reject };
      // A request waiting for a slot also has a deadline: the caller hears of a stuck connection in bounded time.
      pending.timer = setTimeout(() => this.timedOut(pending), pending.timeoutMs);
      this.queue.push(pending);
      this.pump();
    });
  }

  /** Writes queued requests while there are free in-flight slots and the socket takes more. */
  private pump(): void {
    while (this.writable && this.queue.length > 0 && this.inFlight.size < this.options.maxInFlightRequests && this.closedError === undefined) {
      const pending = this.queue.shift()!;
      const correlationId = pending.correlationId;
      this.socket.cork();
      let ok = true;
      for (const c of pending.chunks) ok = this.socket.write(c);
      this.socket.uncork();
      if (pending.expectResponse) {
        this.inFlight.set(correlationId, pending);
        clearTimeout(pending.timer);
        pending.timer = setTimeout(() => this.timedOut(pending), pending.timeoutMs);
      } else {
        clearTimeout(pending.timer);
        pending.resolve(undefined);
      }
      pending.chunks = [];
      if (!ok) this.writable = false;
    }
  }

  private timedOut(pending: Pending): void {
    const i = this.queue.indexOf(pending);
    if (i >= 0) {
      this.queue.splice(i, 1);
      pending.reject(new KafkaRequestTimeoutError(`${apiKeyName(pending.apiKey)} to ${this.address} waited ${pending.timeoutMs} ms for a free slot`));
      return;
    }
    // A response that never came leaves the connection's state unknown: close it, as the Java client does.
    this.fail(new KafkaRequestTimeoutError(`${apiKeyName(pending.apiKey)} v${pending.version} to ${this.address} got no response within ${pending.timeoutMs} ms`));
  }

  private failRead(err: unknown): void {
    const message = err instanceof FrameTooLargeError ? err.message : String(err);
    this.fail(new KafkaConnectionError(`${this.address}: ${message}`));
  }

  private onFrame(frame: Buffer): void {
    if (this.closedError !== undefined) return;
    if (frame.length < 4) return this.fail(new KafkaConnectionError(`${this.address} sent a ${frame.length}-byte response`));
    const correlationId = frame.readInt32BE(0);
    const pending = this.inFlight.get(correlationId);
    if (pending === undefined) return this.fail(new KafkaConnectionError(`${this.address} answered unknown correlation id ${correlationId}`));
    this.inFlight.delete(correlationId);
    clearTimeout(pending.timer);
    try {
      pending.resolve(decodeResponseBody(pending.apiKey, pending.version, frame));
    } catch (err) {
      pending.reject(new KafkaClientError(`cannot decode ${apiKeyName(pending.apiKey)} v${pending.version} response from ${this.address}: ${(err as Error).message}`, false, { cause: err }));
    }
  }

  /** After the frames of one socket read: write what waited for a slot, wake those waiting for idle. */
  private afterRead(): void {
    if (this.closedError !== undefined) return;
    this.pump();
    if (this.load === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private fail(err: Error): void {
    if (this.closedError !== undefined) return;
    this.closedError = err;
    this.socket.destroy();
    for (const p of [...this.queue, ...this.inFlight.values()]) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.queue.length = 0;
    this.inFlight.clear();
    for (const w of this.idleWaiters.splice(0)) w();
    this.resolveClosed();
  }

  /**
   * Closes the connection. With drainTimeoutMs, new requests are refused at once and those already sent or queued
   * get up to that long to be answered; whatever is still unanswered then fails with a connection error.
   */
  async close(opts: { drainTimeoutMs?: number } = {}): Promise<void> {
    if (opts.drainTimeoutMs !== undefined && opts.drainTimeoutMs > 0 && this.closedError === undefined && this.load > 0) {
      this.draining = true;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.idleWaiters.push(resolve);
        timer = setTimeout(resolve, opts.drainTimeoutMs);
      });
      clearTimeout(timer);
    }
    if (this.closedError === undefined) this.socket.end();
    this.fail(new KafkaConnectionError(`connection to ${this.address} was closed by the client`));
    return this.closed;
  }
}

/**
 * A broker that does not support the ApiVersions version asked answers with a v0 body (error 35 and its
 * ranges), whatever the version: read that shape when the asked one does not fit, as the Java client does.
 */
function decodeResponseBody(apiKey: number, version: number, frame: Buffer): unknown {
  try {
    return decodeResponse(apiKey as ApiKey, version, frame).body;
  } catch (err) {
    if (apiKey !== ApiKey.ApiVersions || version === 0) throw err;
    return decodeResponse(ApiKey.ApiVersions, 0, frame).body;
  }
}
