// src/cli/cached-bundle.ts: a CommonJS bundle run through V8's code cache. Each load is its own Node process, as the
// cache is written when a process exits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CACHE_WRITES } from '../../src/cli/cached-bundle.js';
import { runCommand } from '../support/run-tool.js';

const LOADER = new URL('../../src/cli/cached-bundle.js', import.meta.url).href;

/** What the bundle's run(path) returns, in a process of its own. */
async function load(bundle: string, path: 'short' | 'long'): Promise<string> {
  const script = `import { loadCachedBundle } from ${JSON.stringify(LOADER)};
process.stdout.write(JSON.stringify(await loadCachedBundle(${JSON.stringify(bundle)}).run(${JSON.stringify(path)})));`;
  const r = await runCommand(process.execPath, ['--input-type=module', '-e', script], {});
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  return r.stdout;
}

/** Source for a function that V8 compiles only when it is called, large enough to show in the cache's size. */
const longPath = Array.from({ length: 200 }, (_, i) => `  if (x === ${i}) return "${'w'.repeat(20)}${i}" + x * ${i};`).join('\n');

/**
 * A bundle in the shape scripts/bundle-servers.mjs writes: CommonJS, its import()s of packages through __hostImport,
 * `answer` the one thing that differs between builds of the same length.
 */
const bundleSource = (answer: string) => `"use strict";
const { basename } = require("node:path");
function long(x) {
${longPath}
  return "none";
}
exports.run = async (path) => ({
  answer: ${JSON.stringify(answer)},
  dir: basename(__dirname),
  os: typeof (await __hostImport("node:os")).cpus,
  path: path === "long" ? long(3) : "short",
});
`;

/** The cache file's identity: unchanged when a run used the cache and left it alone. */
const stamp = (file: string) => {
  const st = statSync(file);
  return `${st.ino} ${st.mtimeMs} ${st.size}`;
};

test('the first runs after a build add what they compiled to the code cache, later runs only read it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-cached-bundle-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bundle = join(dir, 'tool.cjs');
  const cache = `${bundle}.v8cache`;
  const expected = (answer: string, path: string) => JSON.stringify({ answer, dir: dir.split('/').at(-1), os: 'function', path });

  writeFileSync(bundle, bundleSource('one'));
  assert.equal(await load(bundle, 'short'), expected('one', 'short'));
  const short = statSync(cache).size;
  // The second run takes a path the first did not: the cache it writes holds both.
  const long = `${'w'.repeat(20)}39`;
  assert.equal(await load(bundle, 'long'), expected('one', long));
  assert.ok(statSync(cache).size > short + 1000, `cache ${short} bytes after the short path, ${statSync(cache).size} after both`);
  for (let run = 3; run <= CACHE_WRITES; run++) {
    const before = stamp(cache);
    assert.equal(await load(bundle, 'short'), expected('one', 'short'));
    assert.notEqual(stamp(cache), before, `run ${run} writes the cache`);
  }
  const written = stamp(cache);
  assert.equal(await load(bundle, 'long'), expected('one', long));
  assert.equal(stamp(cache), written, 'the cache is left alone once written often enough');

  // Same length, other code: V8 alone would accept the old cache for it (it checks a source's length, not its text).
  writeFileSync(bundle, bundleSource('two'));
  assert.equal(await load(bundle, 'short'), expected('two', 'short'));
  assert.notEqual(stamp(cache), written);

  // Cut short after its key (V8 rejects the rest), cut inside its key, empty, a key length past the end.
  const whole = readFileSync(cache);
  const cut = [whole.subarray(0, whole.length - 64), whole.subarray(0, 10), Buffer.alloc(0), Buffer.from([0xff, 0xff, 0xff, 0xff, 1])];
  for (const damaged of cut) {
    writeFileSync(cache, damaged);
    assert.equal(await load(bundle, 'short'), expected('two', 'short'), `cache of ${damaged.length} bytes`);
    assert.equal(statSync(cache).size, whole.length, 'the whole cache written again');
  }
});
