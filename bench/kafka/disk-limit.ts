// What the disk under the broker's log dir can write: sequential 1 MiB appends, each followed by fdatasync,
// for a fixed time or byte budget (the reference's `node fsync.js 1048576 N`). A short run sees the virtual
// disk's burst, not its sustained rate; the bench prints it as measured.
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface DiskLimit {
  bytes: number;
  elapsedMs: number;
}

const CHUNK = 1024 * 1024;

export function measureDiskWrite(dir: string, durationMs: number, maxBytes: number): DiskLimit {
  const file = join(dir, 'disk-limit.bin');
  const chunk = Buffer.alloc(CHUNK, 0x61);
  const fd = openSync(file, 'a');
  let bytes = 0;
  const t0 = performance.now();
  try {
    while (performance.now() - t0 < durationMs && bytes < maxBytes) {
      writeSync(fd, chunk);
      fdatasyncSync(fd);
      bytes += CHUNK;
    }
    return { bytes, elapsedMs: performance.now() - t0 };
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
}
