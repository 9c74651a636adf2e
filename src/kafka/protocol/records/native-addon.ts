/**
 * Loads an npm package whose work is done by a prebuilt Node-API binary and proves that binary is what
 * got loaded: some of these packages fall back to WebAssembly or JavaScript without a word, which would
 * quietly cost an order of magnitude in speed.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface NativeAddon<T> {
  readonly exports: T;
  /** Absolute path of the `.node` file that was loaded. */
  readonly binaryPath: string;
}

/**
 * `binaryName` matches the path of the expected `.node` file (e.g. /crc32.*\.node$/). Throws, naming
 * the package, when the package is missing or no matching binary was loaded.
 */
export function requireNativeAddon<T>(packageName: string, binaryName: RegExp): NativeAddon<T> {
  let exports: T;
  try {
    exports = require(packageName) as T;
  } catch (error) {
    throw new Error(`${packageName}: cannot load (${(error as Error).message}); run npm ci on this platform`, { cause: error });
  }
  const binaryPath = Object.keys(require.cache).find((file) => file.endsWith('.node') && binaryName.test(file));
  if (binaryPath === undefined) {
    throw new Error(`${packageName}: loaded without its native binary (no .node file matching ${binaryName}); run npm ci on this platform`);
  }
  return { exports, binaryPath };
}
