// Replacing a small file so that a crash leaves the old or the new content, never a mix: written to a temporary
// name beside it, fsynced, renamed over it, and the directory fsynced so the rename itself is on disk.
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsyncDirSync } from './data-dir.js';

export function writeFileAtomicallySync(file: string, data: string | Buffer): void {
  const dir = dirname(file);
  const tmp = join(dir, `.${basename(file)}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDirSync(dir);
}
