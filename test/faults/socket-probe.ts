// A raw client socket that records every frame and whether the server closed it, for tests that send bytes
// no well-behaved client would.
import type { Socket } from 'node:net';
import { decode } from '../../src/zookeeper/jute/codec.js';
import { encodeClientFrame } from '../../src/zookeeper/jute/protocol-frames.js';
import type { ConnectResponse } from '../../src/zookeeper/jute/records.generated.js';
import { FrameSplitter, openSocket } from './raw-client.js';

export class SocketProbe {
  readonly frames: Buffer[] = [];
  bytes = 0;
  closed = false;
  private readonly splitter = new FrameSplitter();
  private wake: (() => void) | null = null;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.bytes += chunk.length;
      this.frames.push(...this.splitter.push(chunk).map((f) => Buffer.from(f)));
      this.wake?.();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  static async open(port: number): Promise<SocketProbe> {
    return new SocketProbe(await openSocket(port));
  }

  /** Opens a connection and completes a handshake for a new session; the ConnectResponse is taken off `frames`. */
  static async handshake(port: number, timeOutMs = 4000): Promise<SocketProbe & { session: ConnectResponse }> {
    const probe = await SocketProbe.open(port);
    probe.write(
      encodeClientFrame({ kind: 'connect', req: { protocolVersion: 0, lastZxidSeen: 0n, timeOut: timeOutMs, sessionId: 0n, passwd: Buffer.alloc(16), readOnly: false } }),
    );
    if (!(await probe.waitFor(() => probe.frames.length > 0, 15_000))) {
      probe.destroy();
      throw new Error(`no ConnectResponse (closed: ${probe.closed})`);
    }
    const session = decode('ConnectResponse', probe.frames.shift()!);
    probe.bytes = probe.frames.reduce((n, f) => n + 4 + f.length, 0);
    return Object.assign(probe, { session });
  }

  write(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Resolves true as soon as `ready()` holds (checked on every event), false after `timeoutMs`. */
  async waitFor(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!ready()) {
      const left = deadline - performance.now();
      if (left <= 0 || (this.closed && !ready())) return ready();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    return true;
  }

  /** Waits until the server answers (any bytes) or closes; true if either happened in time. */
  answeredOrClosed(timeoutMs: number): Promise<boolean> {
    return this.waitFor(() => this.bytes > 0 || this.closed, timeoutMs);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
