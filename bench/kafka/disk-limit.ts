// What the disk under the broker's log dir takes, two ways, for a fixed time or byte budget:
//   page cache: sequential 1 MiB appends with no sync, as the broker writes a produce (as Kafka with the default
//               log.flush.* settings: the page cache takes the bytes and the kernel writes them back) — the limit the
//               broker's produce throughput is compared with;
//   durable:    the same appends each followed by fdatasync (the reference's `node fsync.js 1048576 N`), what a
//               log that syncs every produce could do.
// A short run sees the virtual disk's burst, not its sustained rate; the bench prints both as measured.
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface DiskLimit {
  bytes: number;
  elapsedMs: number;
}

const CHUNK = 1024 * 1024;

export function measureDiskWrite(dir: string, durationMs: number, maxBytes: number, sync: boolean): DiskLimit {
  const file = join(dir, 'disk-limit.bin');
  const chunk = Buffer.alloc(CHUNK, 0x61);
  const fd = openSync(file, 'a');
  let bytes = 0;
  const t0 = performance.now();
  try {
    while (performance.now() - t0 < durationMs && bytes < maxBytes) {
      writeSync(fd, chunk);
      if (sync) fdatasyncSync(fd);
      bytes += CHUNK;
    }
    return { bytes, elapsedMs: performance.now() - t0 };
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
}
