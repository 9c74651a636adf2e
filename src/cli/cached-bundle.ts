// Runs a CommonJS bundle (dist/bundle/*.cjs, made by scripts/bundle-servers.mjs) through V8's code cache. A one-shot
// tool spent a third of its run compiling before its first request: kafka-topics --list compiled 400 KB of JavaScript
// and then each function it called, on first call. Node 20 caches the compiled code of neither ES modules nor
// require()d files, so the bundle is compiled here, as a vm.Script, with the code V8 serialized at the end of earlier
// runs. That cache sits beside the bundle (`<bundle>.v8cache`).
//
// V8 serializes the functions a run has compiled, so a cache holds the paths the runs that wrote it took: one written
// by `--help` lacks the client a `--list` needs. Each of the first CACHE_WRITES runs after a build therefore writes
// it again as it exits (about 7 ms), from what it loaded plus what it compiled, and later runs only read it.
//
// The cache is written only where the bundle's directory is writable, by the install's owner, so it is trusted as the
// bundle is; `npm run build` deletes it with the bundles.
import { accessSync, constants, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** How many runs write the cache: the union of their paths is what later runs find compiled. */
export const CACHE_WRITES = 4;

/**
 * V8 checks a cache against its own version and flags but against the source only by length: the key adds the
 * bundle's size, modification time and inode, so a rebuilt bundle never runs an older build's code.
 */
function cacheKey(file: string): string {
  const st = statSync(file);
  return `${process.version} ${process.arch} ${st.size} ${st.mtimeMs} ${st.ino}`;
}

interface Cache {
  /** V8's data. */
  code: Buffer;
  /** How many runs have written it. */
  writes: number;
}

// The file: the key's length (4 bytes), the key, how many runs wrote it (1 byte), then V8's data.

/** The cache for `key`, or undefined when there is none, or one for another build or Node. */
function readCache(cacheFile: string, key: string): Cache | undefined {
  let data: Buffer;
  try {
    data = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  if (data.length < 4) return undefined;
  const keyEnd = 4 + data.readUInt32BE(0);
  if (keyEnd + 1 > data.length || data.toString('utf8', 4, keyEnd) !== key) return undefined;
  return { writes: data[keyEnd]!, code: data.subarray(keyEnd + 1) };
}

/** Writes the cache through a temporary file and a rename, so a concurrent run reads a whole cache or none. */
function writeCache(cacheFile: string, key: string, writes: number, script: Script): void {
  try {
    accessSync(dirname(cacheFile), constants.W_OK);
  } catch {
    return; // a read-only install runs without the cache, and without serializing it at every exit
  }
  const keyBytes = Buffer.from(key);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(keyBytes.length);
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([head, keyBytes, Buffer.of(writes), script.createCachedData()]));
    renameSync(temporary, cacheFile);
  } catch {
    rmSync(temporary, { force: true }); // a full disk leaves the next run to compile
  }
}

/** The bundle's dynamic imports of packages (scripts/bundle-servers.mjs rewrites `import(x)` to call this). */
const hostImport = (specifier: string): Promise<unknown> => import(specifier);

/** Loads a CommonJS bundle as require() would, its compiled code taken from (or, at exit, added to) the cache. */
export function loadCachedBundle<T>(file: string): T {
  const key = cacheKey(file);
  const cacheFile = `${file}.v8cache`;
  const cache = readCache(cacheFile, key);
  // The bundle is ASCII (scripts/bundle-servers.mjs): Latin-1 reads it in one read, into a one-byte string.
  const source = readFileSync(file, 'latin1');
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __hostImport) { ${source}\n})`, {
    filename: file,
    cachedData: cache?.code,
  });
  const writes = cache === undefined || script.cachedDataRejected === true ? 0 : cache.writes;
  // At exit, so that it holds the functions this run compiled as well as those it loaded.
  if (writes < CACHE_WRITES) process.once('exit', () => writeCache(cacheFile, key, writes + 1, script));
  const module = { exports: {} as T };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file), hostImport);
  return module.exports;
}
