#!/usr/bin/env node
// `npm start` runs this first: `npm run build` when there is no build yet or a source file, template or build input is
// newer than the build's last output (oclif.manifest.json); otherwise nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = 'oclif.manifest.json';
const INPUTS = ['src', 'scripts/bundle-servers.mjs', 'package.json', 'tsconfig.json'];

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

const built = existsSync(STAMP) && existsSync('dist/src/cli/command-table.js') ? statSync(STAMP).mtimeMs : -1;
const stale = built < 0 || INPUTS.some((p) => existsSync(p) && newest(p) > built);
if (stale) {
  console.error(built < 0 ? 'building zkafka (first run)...' : 'sources changed since the last build: building zkafka...');
  const r = spawnSync('npm', ['run', 'build', '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    console.error('npm run build failed');
    process.exit(r.status ?? 1);
  }
}
