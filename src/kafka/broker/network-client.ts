// One outgoing connection from this broker to another broker's listener (the controller's channel to each broker,
// a follower's fetches, controlled shutdown to the controller): requests encoded with the codec, answers matched by
// correlation id. Kafka's NetworkClient for a single node, without its selector: Node's socket does the waiting.
// Responses are split by the client library's FrameReader, which picks where each read goes: small responses land
// in a receive buffer filled forward, a large one (a follower's fetch of megabytes) in a buffer of its size. A fresh
// 64 KiB buffer per read made a follower's garbage: at a thousand fetches a second, a mark-compact every quarter
// second for the external memory alone, pausing the leader→follower cycle that acks=all produces wait on.
import { connect, type Socket } from 'node:net';
import { FrameReader } from '../client/network/frame-reader.js';
import { ApiKey, decodeResponse, encodeRequest, type ApiMessages } from '../protocol/index.js';

/** Longest response frame accepted from a peer broker (what its socket.request.max.bytes default allows back). */
const MAX_RESPONSE_BYTES = 100 * 1024 * 1024;

export class BrokerConnectionError extends Error {
  override readonly name = 'BrokerConnectionError';
}

interface Pending {
  apiKey: ApiKey;
  apiVersion: number;
  resolve(body: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class BrokerNetworkClient {
  private socket: Socket | null = null;
  private connecting: Promise<Socket> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextCorrelationId = 0;
  /** The current socket's frame splitter. */
  private reader: FrameReader | null = null;
  private closed = false;
  /** The caller recycles (see recycleFrames): the frames handed to it since it last did. */
  private recycling = false;
  private issuedFrames: Buffer[] = [];

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly clientId: string,
    private readonly requestTimeoutMs: number,
  ) {}

  /** Sends one request and resolves with the decoded response body; rejects on timeout or a lost connection. */
  async send<K extends ApiKey>(apiKey: K, apiVersion: number, body: ApiMessages[K]['request']): Promise<ApiMessages[K]['response']> {
    const socket = await this.connected();
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = (this.nextCorrelationId + 1) & 0x7fffffff;
    const chunks = encodeRequest({ apiKey, apiVersion, correlationId, clientId: this.clientId }, body);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new BrokerConnectionError(`no response from ${this.address} within ${this.requestTimeoutMs} ms`)), this.requestTimeoutMs);
      this.pending.set(correlationId, { apiKey, apiVersion, resolve: resolve as (b: unknown) => void, reject, timer });
      socket.write(Buffer.concat(chunks));
    });
  }

  get address(): string {
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  close(): void {
    this.closed = true;
    this.fail(new BrokerConnectionError(`connection to ${this.address} closed`));
  }

  private connected(): Promise<Socket> {
    if (this.closed) return Promise.reject(new BrokerConnectionError(`connection to ${this.address} closed`));
    if (this.socket) return Promise.resolve(this.socket);
    this.connecting ??= new Promise<Socket>((resolve, reject) => {
      const reader = new FrameReader(MAX_RESPONSE_BYTES, (frame) => this.onFrame(frame));
      const socket: Socket = connect({
        host: this.host,
        port: this.port,
        onread: { buffer: () => reader.buffer(), callback: (n: number) => this.onRead(socket, reader, n) },
      });
      this.reader = reader;
      socket.setNoDelay(true);
      const timer = setTimeout(() => socket.destroy(new BrokerConnectionError(`connect to ${this.address} timed out after ${this.requestTimeoutMs} ms`)), this.requestTimeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        this.socket = socket;
        this.connecting = null;
        resolve(socket);
      });
      socket.on('error', (err) => {
        clearTimeout(timer);
        if (this.socket !== socket) {
          this.connecting = null;
          reject(new BrokerConnectionError(`cannot connect to ${this.address}: ${err.message}`, { cause: err }));
        } else this.fail(new BrokerConnectionError(`connection to ${this.address} failed: ${err.message}`, { cause: err }));
      });
      socket.on('close', () => {
        clearTimeout(timer);
        if (this.socket === socket) this.fail(new BrokerConnectionError(`connection to ${this.address} closed by the peer`));
        else if (this.connecting) {
          this.connecting = null;
          reject(new BrokerConnectionError(`cannot connect to ${this.address}`));
        }
      });
    });
    return this.connecting;
  }

  /** Fails everything in flight and drops the socket; the next send reconnects. */
  private fail(err: Error): void {
    const socket = this.socket;
    this.socket = null;
    this.reader = null;
    this.issuedFrames = [];
    socket?.destroy();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }

  private onRead(socket: Socket, reader: FrameReader, n: number): boolean {
    if (n <= 0 || this.socket !== socket) return true;
    try {
      reader.read(n);
    } catch (err) {
      this.fail(new BrokerConnectionError(`invalid response from ${this.address}: ${(err as Error).message}`, { cause: err }));
      return false;
    }
    return true;
  }

  /**
   * The caller holds nothing of the responses received so far (a follower has appended a fetch's records): the
   * buffers their large frames were read into may take the next ones. A follower's fetch responses are up to
   * megabytes each, many a second; allocated fresh each time, they drove most of its garbage collection.
   */
  recycleFrames(): void {
    this.recycling = true;
    const reader = this.reader;
    if (reader !== null) for (const frame of this.issuedFrames) reader.recycle(frame);
    this.issuedFrames = [];
  }

  private onFrame(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0);
    const p = this.pending.get(correlationId);
    if (!p) {
      this.fail(new BrokerConnectionError(`response with unknown correlation id ${correlationId} from ${this.address}`));
      return;
    }
    this.pending.delete(correlationId);
    clearTimeout(p.timer);
    if (this.recycling) this.issuedFrames.push(frame);
    try {
      p.resolve(decodeResponse(p.apiKey, p.apiVersion, frame).body);
    } catch (err) {
      p.reject(err as Error);
      this.fail(new BrokerConnectionError(`undecodable response from ${this.address}`, { cause: err }));
    }
  }
}
