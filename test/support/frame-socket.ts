// A raw client socket for replay tests: sends bytes as given and hands back what the server sends, either as
// length-prefixed frames or (four-letter words) as the whole text up to the server's close.
import { connect, type Socket } from 'node:net';

export class FrameSocket {
  private readonly frames: Buffer[] = [];
  private readonly rawChunks: Buffer[] = [];
  private pending: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  closedByPeer = false;
  closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    let resolveClosed!: () => void;
    this.closedPromise = new Promise((r) => (resolveClosed = r));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      this.closedByPeer = true;
    });
    socket.on('error', () => {
      /* a reset counts as a close */
    });
    socket.on('close', () => {
      this.closed = true;
      resolveClosed();
      this.wake();
    });
  }

  static open(port: number, host = '127.0.0.1', timeoutMs = 2000): Promise<FrameSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${host}:${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new FrameSocket(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private onData(chunk: Buffer): void {
    this.rawChunks.push(chunk);
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 4) {
      const len = this.pending.readInt32BE(0);
      if (len < 0 || this.pending.length < 4 + len) break;
      this.frames.push(Buffer.from(this.pending.subarray(0, 4 + len)));
      this.pending = this.pending.subarray(4 + len);
    }
    this.wake();
  }

  send(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes);
  }

  /** Frames received and not yet taken. */
  get queued(): readonly Buffer[] {
    return this.frames;
  }

  take(index = 0): Buffer {
    return this.frames.splice(index, 1)[0]!;
  }

  /** Waits until at least one frame is queued, the socket closes, or the time runs out. */
  async waitForFrame(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0 && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.frames.length > 0;
  }

  /** Waits for the server to close the connection; false if it is still open after timeoutMs. */
  async waitForClose(timeoutMs: number): Promise<boolean> {
    if (this.closed || this.closedByPeer) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    const ended = new Promise<true>((r) => {
      this.socket.once('end', () => r(true));
      void this.closedPromise.then(() => r(true));
    });
    const result = await Promise.race([timedOut, ended]);
    clearTimeout(timer);
    return result;
  }

  /** Everything received so far, unframed (four-letter-word answers). */
  rawText(): string {
    return Buffer.concat(this.rawChunks).toString('latin1');
  }

  /** Closes our side politely (the client closed the connection). */
  end(): void {
    this.socket.end();
  }

  /** Drops the connection on both sides at once (a cut network). */
  destroy(): void {
    this.socket.destroy();
  }
}
