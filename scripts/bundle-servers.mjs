#!/usr/bin/env node
// Bundles the server start paths (zookeeper-server-start, kafka-server-start) and the one-shot Kafka tools whose
// start-up competes with C clients (console producer and consumer, kafka-topics, producer perf test) from tsc's
// output into dist/bundle, so that a process loads a handful of files instead of hundreds of ES modules: module
// resolution and loading were most of a broker's start-up, and a third of a second of a tool's run. Code behind a dynamic import stays in its own chunk and loads only when used. npm packages
// stay external (native addons among them), except the small pure-JavaScript ones every start needs (BUNDLED_PACKAGES):
// loaded from node_modules, ini is a CommonJS module to resolve, read and compile apart, before the config is read.
// src/cli/command-table.ts runs a bundled entry when it exists.
// The source maps lead back to the TypeScript sources (through tsc's maps); node --enable-source-maps uses them.
// Usage: node scripts/bundle-servers.mjs   (after tsc; part of npm run build)
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUNDLED_PACKAGES = new Set(['ini']);

/** esbuild's `packages: 'external'`, but for BUNDLED_PACKAGES. */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('@') ? args.path.split('/', 2).join('/') : args.path.split('/', 1)[0];
      return BUNDLED_PACKAGES.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
const ENTRIES = [
  'cli/zookeeper-server-start-main',
  'cli/kafka-server-start-main',
  'kafka/tools/console-consumer/console-consumer-main',
  'kafka/tools/console-producer/console-producer-main',
  'kafka/tools/topics/topics-main',
  'kafka/tools/producer-perf-test/producer-perf-test-main',
];

rmSync(outdir, { recursive: true, force: true });
const files = [];
// The ZooKeeper server, the console consumer and kafka-topics are bundled on their own: chunks shared with the other
// entries would split their start paths into more files, each one more read and module record before the server
// listens or the tool sends its first request (kafka-topics --list: 15 files loaded shared, 7 alone; 138 → 120 ms).
const ALONE = new Set(['cli/zookeeper-server-start-main', 'kafka/tools/console-consumer/console-consumer-main', 'kafka/tools/topics/topics-main']);
for (const group of [...[...ALONE].map((e) => [e]), ENTRIES.filter((e) => !ALONE.has(e))]) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: group.map((path) => `dist/src/${path}.js`),
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [externalPackages],
    sourcemap: 'linked',
    // Positions and file names are what a stack trace needs; leaving the sources' text out keeps the maps small to load.
    sourcesContent: false,
    logLevel: 'warning',
    metafile: true,
    // The console consumer's start competes with kcat's: V8 compiles half as many bytes minified. Names stay (stack
    // traces, error names), and the source map leads back to the TypeScript.
    ...(group.length === 1 && group[0].endsWith('console-consumer-main') ? { minify: true, keepNames: true } : {}),
  });
  files.push(...Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js')));
}
console.log(`bundled ${ENTRIES.map((e) => e.split('/').at(-1)).join(', ')} into ${files.length} files under dist/bundle`);
