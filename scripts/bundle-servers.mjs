#!/usr/bin/env node
// Bundles the server start paths (zookeeper-server-start, kafka-server-start) from tsc's output into dist/bundle, so
// that a server loads a handful of files instead of hundreds of ES modules: module resolution and loading were most
// of a broker's start-up. Code behind a dynamic import stays in its own chunk and loads only when used. npm packages
// stay external (native addons among them). src/cli/command-table.ts runs a bundled entry when it exists.
// The source maps lead back to the TypeScript sources (through tsc's maps); node --enable-source-maps uses them.
// Usage: node scripts/bundle-servers.mjs   (after tsc; part of npm run build)
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
const SERVER_ENTRIES = ['zookeeper-server-start-main', 'kafka-server-start-main'];

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: SERVER_ENTRIES.map((name) => `dist/src/cli/${name}.js`),
  outdir,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  // Positions and file names are what a stack trace needs; leaving the sources' text out keeps the maps small to load.
  sourcesContent: false,
  logLevel: 'warning',
  metafile: true,
});
const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
console.log(`bundled ${SERVER_ENTRIES.join(', ')} into ${files.length} files under dist/bundle`);
