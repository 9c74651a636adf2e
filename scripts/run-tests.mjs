#!/usr/bin/env node
// Runs the compiled test files (dist/test/**/*.test.js) under node:test. Node 20's `--test` takes no globs, and given
// a directory it would also run every helper module there as a test file, each counted as a passing test.
// The TAP output passes through as it comes; at the end every failing test's block is printed again, so that a log
// kept only by its tail still says what failed.
// Usage: node scripts/run-tests.mjs [dir-or-file ...]   (default: dist/test)
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const MAX_LINES_PER_FAILURE = 150;
const MAX_FAILURES_SHOWN = 10;

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

const child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...files], {
  stdio: ['inherit', 'pipe', 'inherit'],
});
const failures = [];
let current = null;
const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
lines.on('line', (line) => {
  process.stdout.write(`${line}\n`);
  if (/^\s*not ok \d+ /.test(line)) {
    current = [line];
    failures.push(current);
  } else if (/^\s*(ok \d+ |# Subtest: )|^(\d+\.\.\d+$|# )/.test(line)) {
    current = null;
  } else if (current !== null && current.length < MAX_LINES_PER_FAILURE) {
    current.push(line);
  }
});
const code = await new Promise((resolve) => child.on('close', resolve));
if (failures.length > 0) {
  const shown = failures.length > MAX_FAILURES_SHOWN ? `, the first ${MAX_FAILURES_SHOWN}` : '';
  console.log(`\n# the ${failures.length} failing test(s) again${shown}:`);
  for (const block of failures.slice(0, MAX_FAILURES_SHOWN)) console.log(block.join('\n'));
}
process.exit(code ?? 1); // null: the child was ended by a signal
