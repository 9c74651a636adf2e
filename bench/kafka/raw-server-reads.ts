// Reads for a raw server that keeps what it reads beyond the read (a pool write, a follower's socket): each read goes
// into a fresh region of a block, and a block is read into again only once every byte handed on from it is stored,
// so no read overwrites bytes still in use, and a busy connection does not touch new memory for every megabyte (the
// broker reads into buffers it reuses too).
import type { DirectReads } from '../../src/kafka/broker/direct-read-socket.js';

const BLOCK_BYTES = 1024 * 1024;
const MIN_READ_ROOM = 64 * 1024;

export interface StreamProgress {
  /** Bytes handed on to be stored so far (a position in the stored stream). */
  handedOn(): number;
  /** Bytes stored everywhere so far. */
  stored(): number;
}

/** Direct reads into regions of reused blocks; `onRead` gets the region and the count read into its start. */
export function blockReads(progress: StreamProgress, onRead: (buf: Buffer, n: number) => void): DirectReads {
  /** Blocks read into before the current one, oldest first, with the stream position they are done at. */
  const retired: { block: Buffer; doneAt: number }[] = [];
  let block: Buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  let used = 0;
  return {
    buffer: () => {
      if (block.length - used < MIN_READ_ROOM) {
        retired.push({ block, doneAt: progress.handedOn() });
        const oldest = retired[0]!;
        block = progress.stored() >= oldest.doneAt ? retired.shift()!.block : Buffer.allocUnsafe(BLOCK_BYTES);
        used = 0;
      }
      return block.subarray(used);
    },
    callback: (n, buf) => {
      used += n;
      onRead(buf, n);
    },
  };
}
