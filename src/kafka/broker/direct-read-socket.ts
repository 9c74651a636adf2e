// A socket that reads straight into buffers its owner chooses (net.Socket's `onread`), for a connection accepted
// by a server. Node offers `onread` only to sockets it constructs from options, so the accepted socket's handle
// (the server must accept paused: pauseOnConnect) moves to a new Socket built with it. Reading into the owner's
// buffer saves what the default read path costs per 64 KiB: a fresh buffer (and the garbage collections that
// follow), and for a large request the copy of every chunk into one buffer of the request's size.
import { Socket } from 'node:net';

export interface DirectReads {
  /** The buffer the next read fills (up to its length). */
  buffer: () => Buffer;
  /** `n` bytes were read into the buffer last returned. */
  callback: (n: number, buf: Buffer) => void;
}

/**
 * A socket over `accepted`'s connection that reads through `reads`, reading at once; null when the handle cannot
 * be moved (then `accepted` is left as it was).
 */
export function directReadSocket(accepted: Socket, reads: DirectReads): Socket | null {
  const internal = accepted as unknown as { _handle: unknown };
  const handle = internal._handle;
  if (handle === null || typeof handle !== 'object' || accepted.destroyed) return null;
  internal._handle = null;
  // Without a handle, destroying the old socket only settles the server's count of its connections.
  accepted.destroy();
  return new Socket({ handle, readable: true, writable: true, onread: reads } as ConstructorParameters<typeof Socket>[0]);
}
