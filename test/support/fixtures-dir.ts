// Where the recorded ZooKeeper exchanges live: ../shared beside the repository root (absent on some machines).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test file');
    dir = up;
  }
  return dir;
}

export const FIXTURES_DIR = path.join(findRepoRoot(), '..', 'shared', 'fixtures', 'zookeeper');
