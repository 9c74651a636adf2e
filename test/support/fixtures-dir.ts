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

/**
 * The kafkajs protocol fixtures: ../shared beside the repository root or, for a git worktree checked out
 * further down, beside the nearest ancestor that has one.
 */
function findSharedDir(): string {
  for (let dir = findRepoRoot(); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, '..', 'shared');
    if (existsSync(candidate) || path.dirname(dir) === dir) return candidate;
  }
}

export const KAFKAJS_FIXTURES_DIR = path.join(findSharedDir(), 'fixtures', 'kafkajs-protocol');

/** Kafka's message specs, the input of scripts/gen-kafka.mjs. */
export const KAFKA_SPECS_DIR = path.join(findSharedDir(), 'specs', 'kafka', 'message');

export const REPO_ROOT = findRepoRoot();
