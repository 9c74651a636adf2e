#!/usr/bin/env node
// Runs the compiled test files (dist/test/**/*.test.js) under node:test. Node 20's `--test` takes no globs, and given
// a directory it would also run every helper module there as a test file, each counted as a passing test.
// Usage: node scripts/run-tests.mjs [dir-or-file ...]   (default: dist/test)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(target, out) {
  if (!existsSync(target)) {
    console.error(`${target} does not exist (run npm run build first)`);
    process.exit(1);
  }
  if (statSync(target).isDirectory()) {
    for (const entry of readdirSync(target).sort()) collect(join(target, entry), out);
  } else if (target.endsWith('.test.js')) {
    out.push(target);
  }
  return out;
}

const targets = process.argv.length > 2 ? process.argv.slice(2) : ['dist/test'];
const files = targets.flatMap((target) => collect(target, []));
if (files.length === 0) {
  console.error(`no *.test.js files under ${targets.join(', ')} (run npm run build first)`);
  process.exit(1);
}
const run = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(run.status ?? 1);
