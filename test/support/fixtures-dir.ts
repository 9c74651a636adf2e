// Where the reference material lives: ../shared beside the repository root (absent on some machines; tests
// that need it say so and skip).
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

export const REPO_ROOT = findRepoRoot();
const SHARED_DIR = path.join(REPO_ROOT, '..', 'shared');

/** The exchanges recorded between real clients and Apache ZooKeeper 3.8.0. */
export const FIXTURES_DIR = path.join(SHARED_DIR, 'fixtures', 'zookeeper');
/** Request and response bodies recorded by the kafkajs project from real Kafka brokers. */
export const KAFKAJS_FIXTURES_DIR = path.join(SHARED_DIR, 'fixtures', 'kafkajs-protocol');
/** Kafka's message specs, the input of scripts/gen-kafka.mjs. */
export const KAFKA_SPECS_DIR = path.join(SHARED_DIR, 'specs', 'kafka', 'message');
