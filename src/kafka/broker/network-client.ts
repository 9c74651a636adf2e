// One outgoing connection from this broker to another broker's listener (the controller's channel to each broker,
// controlled shutdown to the controller): requests encoded with the codec, answers matched by correlation id.
// Kafka's NetworkClient for a single node, without its selector: Node's socket does the waiting.
// The socket reads through `onread`: a response frame larger than one read (a follower's fetch of up to megabytes)
// is read straight into a buffer of the frame's size, each read taking as much of it as the kernel holds, rather
// than in 64 KiB chunks each allocated, handed through the stream and copied in. The receipt of a fetch response is
// part of the leader→follower cycle that acks=all produces wait on; on a busy machine its many small reads took
// tens of milliseconds for a megabyte.
import { connect, type Socket } from 'node:net';
import { ApiKey, decodeResponse, encodeRequest, type ApiMessages } from '../protocol/index.js';

/** Longest response frame accepted from a peer broker (what its socket.request.max.bytes default allows back). */
const MAX_RESPONSE_BYTES = 100 * 1024 * 1024;
/** What a read takes when no large frame is being received (size prefixes, small frames). */
const READ_BYTES = 64 * 1024;
/** Large frame buffers kept for reuse are sized in these steps, so that one fits the next responses of about its size. */
const FRAME_GRANULE = 256 * 1024;

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
  /** A size prefix split across reads: its bytes so far. */
  private readonly sizePrefix = Buffer.alloc(4);
  private sizePrefixFilled = 0;
  /** The frame being received across reads, filled as its pieces arrive. */
  private frame: Buffer | null = null;
  private frameFilled = 0;
  private closed = false;
  /** The caller recycles: the whole buffers of large frames received since its last recycleFrames(). */
  private recycling = false;
  private issuedFrames: Buffer[] = [];
  /** A large frame's buffer the caller is done with, for the next large frame that fits. */
  private spareFrame: Buffer | null = null;

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
      const socket: Socket = connect({
        host: this.host,
        port: this.port,
        onread: { buffer: () => this.readTarget(), callback: (n: number, buf: Uint8Array) => this.onRead(socket, n, buf) },
      });
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
    this.sizePrefixFilled = 0;
    this.frame = null;
    this.frameFilled = 0;
    socket?.destroy();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }

  /**
   * Where the next read goes: the rest of the frame being received, else a fresh buffer (decoded responses may keep
   * views of the bytes they were read into, so a read buffer is never reused).
   */
  private readTarget(): Uint8Array {
    const frame = this.frame;
    return frame !== null ? frame.subarray(this.frameFilled) : Buffer.allocUnsafe(READ_BYTES);
  }

  private onRead(socket: Socket, n: number, buf: Uint8Array): boolean {
    if (n <= 0 || this.socket !== socket) return true;
    const frame = this.frame;
    if (frame !== null && buf.buffer === frame.buffer && buf.byteOffset === frame.byteOffset + this.frameFilled) {
      this.frameFilled += n;
      if (this.frameFilled === frame.length) {
        this.frame = null;
        this.onFrame(frame);
      }
      return true;
    }
    this.onData(socket, Buffer.from(buf.buffer, buf.byteOffset, n));
    return true;
  }

  /**
   * A frame inside one read is decoded in place; one spread over many reads (a follower's fetch of megabytes) is
   * copied once, piece by piece as each read arrives, into a buffer of its size, so nothing is left to join at its end.
   */
  private onData(socket: Socket, chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length && this.socket === socket) {
      const frame = this.frame;
      if (frame !== null) {
        const n = chunk.copy(frame, this.frameFilled, pos, Math.min(chunk.length, pos + frame.length - this.frameFilled));
        this.frameFilled += n;
        pos += n;
        if (this.frameFilled < frame.length) return;
        this.frame = null;
        this.onFrame(frame);
        continue;
      }
      let size: number;
      if (this.sizePrefixFilled === 0 && chunk.length - pos >= 4) {
        size = chunk.readInt32BE(pos);
        pos += 4;
      } else {
        const n = chunk.copy(this.sizePrefix, this.sizePrefixFilled, pos, Math.min(chunk.length, pos + 4 - this.sizePrefixFilled));
        this.sizePrefixFilled += n;
        pos += n;
        if (this.sizePrefixFilled < 4) return;
        this.sizePrefixFilled = 0;
        size = this.sizePrefix.readInt32BE(0);
      }
      if (size < 4 || size > MAX_RESPONSE_BYTES) {
        this.fail(new BrokerConnectionError(`invalid response size ${size} from ${this.address}`));
        return;
      }
      if (chunk.length - pos >= size) {
        pos += size;
        this.onFrame(chunk.subarray(pos - size, pos));
      } else {
        this.frame = this.frameBuffer(size);
        this.frameFilled = 0;
      }
    }
  }

  /** A buffer for a frame received across reads: the spare one when it fits and the caller recycles. */
  private frameBuffer(size: number): Buffer {
    if (!this.recycling) return Buffer.allocUnsafe(size);
    const spare = this.spareFrame;
    const whole = spare !== null && spare.length >= size ? spare : Buffer.allocUnsafeSlow(Math.ceil(size / FRAME_GRANULE) * FRAME_GRANULE);
    if (whole === spare) this.spareFrame = null;
    this.issuedFrames.push(whole);
    return whole.subarray(0, size);
  }

  /**
   * The caller holds nothing of the responses received so far (a follower has appended a fetch's records): the
   * buffers their large frames were read into may take the next ones. A follower's fetch responses are up to
   * megabytes each, many a second; allocated fresh each time, they drove most of its garbage collection.
   */
  recycleFrames(): void {
    this.recycling = true;
    const receiving = this.frame?.buffer;
    const keep: Buffer[] = [];
    for (const b of this.issuedFrames) {
      if (b.buffer === receiving) keep.push(b);
      else if (this.spareFrame === null || b.length > this.spareFrame.length) this.spareFrame = b;
    }
    this.issuedFrames = keep;
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
    try {
      p.resolve(decodeResponse(p.apiKey, p.apiVersion, frame).body);
    } catch (err) {
      p.reject(err as Error);
      this.fail(new BrokerConnectionError(`undecodable response from ${this.address}`, { cause: err }));
    }
  }
}
