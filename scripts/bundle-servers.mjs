#!/usr/bin/env node
// Bundles the server start paths (zookeeper-server-start, kafka-server-start) and the one-shot Kafka tools whose
// start-up competes with C clients (console producer and consumer, kafka-topics, producer perf test) from tsc's
// output into dist/bundle, so that a process loads a handful of files instead of hundreds of ES modules: module
// resolution and loading were most of a broker's start-up, and a third of a second of a tool's run. In the ES module
// bundles, code behind a dynamic import stays in its own chunk and loads only when used. npm packages stay external
// (native addons among them), except the small pure-JavaScript ones every start needs (BUNDLED_PACKAGES): loaded from
// node_modules, ini is a CommonJS module to resolve, read and compile apart, before the config is read.
// src/cli/command-table.ts runs a bundled entry when it exists; bin/run.js runs the CommonJS ones (CACHED) first.
// The source maps lead back to the TypeScript sources (through tsc's maps); node --enable-source-maps uses them.
// Usage: node scripts/bundle-servers.mjs   (after tsc; part of npm run build)
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

/**
 * For the CommonJS bundles: a dynamic import of a package (ora, an ES module only) becomes a call of `__hostImport`,
 * which src/cli/cached-bundle.ts passes in. Code compiled as a vm.Script cannot import() without an experimental
 * option, and a warning on the tool's stderr.
 */
const HOST_IMPORT = /\bimport\((['"])([^'"./][^'"]*)\1\)/g;
const hostImports = {
  name: 'host-imports',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      return source.includes('import(') ? { contents: source.replace(HOST_IMPORT, '__hostImport($1$2$1)'), loader: 'js' } : undefined;
    });
  },
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
// The servers: ES module bundles.
const ENTRIES = ['cli/zookeeper-server-start-main', 'cli/kafka-server-start-main'];
// One-shot tools built as one CommonJS file each, which src/cli/cached-bundle.ts compiles through V8's code cache:
// Node 20 caches the code of no ES module, and compiling was a third of a one-shot kafka-topics --list. Their dynamic
// imports are inlined. The tools are those of the table bin/run.js looks them up in (src/cli/cached-tools.ts), which
// is bundled too, as CommonJS that require() loads (it bundles none of them).
const { CACHED_TOOLS } = await import(pathToFileURL(join(root, 'dist/src/cli/cached-tools.js')).href);
const CACHED = [...new Set(Object.values(CACHED_TOOLS).map((tool) => tool.module))];
const CACHED_TABLE = 'cli/cached-tools';

/** esbuild options shared by every bundle. */
const common = {
  absWorkingDir: root,
  outdir,
  entryNames: '[name]',
  bundle: true,
  platform: 'node',
  target: 'node20',
  plugins: [externalPackages],
  sourcemap: 'linked',
  // Positions and file names are what a stack trace needs; leaving the sources' text out keeps the maps small to load.
  sourcesContent: false,
  logLevel: 'warning',
  metafile: true,
};
// Half as many bytes to read and V8 to cache. Names stay (stack traces, error names), and the source map leads back
// to the TypeScript.
const minified = { minify: true, keepNames: true };

rmSync(outdir, { recursive: true, force: true });
const files = [];
// Each server is bundled on its own: chunks shared with another entry would split its start path into more files,
// each one more read and module record before it listens.
const builds = ENTRIES.map((entry) => ({ ...common, entryPoints: [`dist/src/${entry}.js`], format: 'esm', splitting: true, chunkNames: 'chunks/[name]-[hash]' }));
const commonJs = {
  ...common,
  ...minified,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  // A module's import.meta.url (native-addon.ts resolves addons from it) becomes the bundle's own URL.
  banner: { js: 'var __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { 'import.meta.url': '__importMetaUrl' },
};
builds.push({ ...commonJs, entryPoints: [`dist/src/${CACHED_TABLE}.js`] });
for (const entry of CACHED) {
  builds.push({
    ...commonJs,
    entryPoints: [`dist/src/${entry}.js`],
    plugins: [externalPackages, hostImports],
    // cached-bundle.ts reads it as Latin-1, one byte a character, which only ASCII makes right.
    charset: 'ascii',
  });
}
for (const options of builds) {
  const result = await build(options);
  const outputs = Object.keys(result.metafile.outputs).filter((f) => /\.c?js$/.test(f));
  for (const file of options.plugins.includes(hostImports) ? outputs : []) {
    if (/\bimport\(/.test(readFileSync(join(root, file), 'latin1'))) throw new Error(`${file}: an import() left that __hostImport does not cover`);
  }
  files.push(...outputs);
}
console.log(`bundled ${[...ENTRIES, ...CACHED, CACHED_TABLE].map((e) => e.split('/').at(-1)).join(', ')} into ${files.length} files under dist/bundle`);
