// The `.lock` of a log dir. Kafka holds an OS file lock (flock) on it; Node has no flock, so the lock here is
// the file's exclusive creation with our pid inside. It keeps a second broker of this implementation (or a
// second LogDir in this process) off a log dir in use. A lock whose process is gone, or an empty `.lock` as
// Apache Kafka leaves behind, is stale and taken over. It does not see a running Apache Kafka's flock, and two
// processes taking over the same stale lock at the same instant can both succeed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LogDirError } from './errors.js';

export const LOCK_FILE = '.lock';

const heldInProcess = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class DirLock {
  private constructor(readonly file: string, private readonly key: string) {}

  static acquire(dir: string): DirLock {
    const key = fs.realpathSync(dir);
    const file = path.join(dir, LOCK_FILE);
    if (heldInProcess.has(key)) throw new LogDirError(`${file}: the log dir is already in use by this process`);
    const content = `${process.pid}\n`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, content, { flag: 'wx', mode: 0o644 });
        heldInProcess.add(key);
        return new DirLock(file, key);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new LogDirError(`${file}: cannot create: ${(err as Error).message}`, { cause: err });
      }
      let holder: string;
      try {
        holder = fs.readFileSync(file, 'utf8').trim();
      } catch {
        continue;
      }
      const pid = /^\d+$/.test(holder) ? Number(holder) : NaN;
      if (pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new LogDirError(`${file}: the log dir is in use by process ${pid}`);
      }
      fs.rmSync(file, { force: true });
    }
    throw new LogDirError(`${file}: could not take the lock`);
  }

  release(): void {
    try {
      if (fs.readFileSync(this.file, 'utf8').trim() === String(process.pid)) fs.rmSync(this.file, { force: true });
    } catch {
      // Already gone.
    }
    heldInProcess.delete(this.key);
  }
}
