/**
 * CRC-32C (Castagnoli), the checksum of v2 record batches, and CRC-32 (IEEE), the checksum of legacy
 * magic 0/1 messages. CRC-32C comes from sse4_crc32 (the SSE 4.2 crc32 instruction, built at install time, an optional
 * dependency) when it built and the CPU has the instruction: about twice as fast as @node-rs/crc32 here from 1 KiB to
 * 1 MiB. Otherwise, and for CRC-32, from @node-rs/crc32 (SIMD, prebuilt binary). Each is loaded on first use and
 * checked against the standard check values. A JS slicing-by-8 CRC stays for buffers too small to be worth a native
 * call, and as the fallback when no binary loads on this platform: that fallback is ~4x slower and announces itself
 * once on stderr; crc32cBackend() tells which one runs.
 */
import { requireNativeAddon } from './native-addon.js';

type CrcFunction = (input: Uint8Array, initialState?: number | null) => number;

interface NodeRsCrc32 {
  crc32: CrcFunction;
  crc32c: CrcFunction;
}

interface Sse4Crc32 {
  calculate: (input: Uint8Array, initialCrc?: number) => number;
  hardware_support: boolean;
}

export type Crc32cBackend = 'sse4.2' | 'native' | 'js';

/** Below this many bytes the JS loop beats the cost of crossing into native code (measured by bench/kafka/records-bench). */
const NATIVE_MIN_BYTES = 256;

const POLY_CRC32C = 0x82f63b78;
const POLY_CRC32 = 0xedb88320;

function slicingTables(poly: number): Int32Array {
  const table = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    table[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) {
      const prev = table[(k - 1) * 256 + n];
      table[k * 256 + n] = (prev >>> 8) ^ table[prev & 0xff];
    }
  }
  return table;
}

function slicingBy8(table: Int32Array): CrcFunction {
  return (buf, initialState) => {
    let c = ~(initialState ?? 0);
    let i = 0;
    const n = buf.length;
    const end8 = n - (n & 7);
    for (; i < end8; i += 8) {
      c ^= buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24);
      c =
        table[1792 + (c & 0xff)] ^
        table[1536 + ((c >>> 8) & 0xff)] ^
        table[1280 + ((c >>> 16) & 0xff)] ^
        table[1024 + (c >>> 24)] ^
        table[768 + buf[i + 4]] ^
        table[512 + buf[i + 5]] ^
        table[256 + buf[i + 6]] ^
        table[buf[i + 7]];
    }
    for (; i < n; i++) c = table[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
    return ~c >>> 0;
  };
}

let jsCrc32c: CrcFunction | undefined;
let jsCrc32: CrcFunction | undefined;
let nativeCrc32c: CrcFunction | undefined;
let nativeCrc32: CrcFunction | undefined;
let backend: Crc32cBackend | undefined;

const CHECK_INPUT = Buffer.from('123456789');
const CHECK_CRC32C = 0xe3069283;
const CHECK_CRC32 = 0xcbf43926;

function init(): void {
  jsCrc32c = slicingBy8(slicingTables(POLY_CRC32C));
  jsCrc32 = slicingBy8(slicingTables(POLY_CRC32));
  try {
    const { exports } = requireNativeAddon<NodeRsCrc32>('@node-rs/crc32', /crc32[^/\\]*\.node$/);
    if (exports.crc32c(CHECK_INPUT) !== CHECK_CRC32C || exports.crc32(CHECK_INPUT) !== CHECK_CRC32) {
      throw new Error('@node-rs/crc32 failed its self-test (wrong check values)');
    }
    nativeCrc32c = exports.crc32c;
    nativeCrc32 = exports.crc32;
    backend = 'native';
    const sse4 = sse4Crc32c();
    if (sse4 !== null) {
      nativeCrc32c = sse4;
      backend = 'sse4.2';
    }
  } catch (error) {
    nativeCrc32c = jsCrc32c;
    nativeCrc32 = jsCrc32;
    backend = 'js';
    process.emitWarning(`CRC32C runs in JavaScript (about 4x slower): ${(error as Error).message}`, { code: 'ZKAFKA_CRC32C_JS' });
  }
  if (jsCrc32c(CHECK_INPUT) !== CHECK_CRC32C || jsCrc32(CHECK_INPUT) !== CHECK_CRC32) throw new Error('JS CRC tables are wrong');
}

/** sse4_crc32's CRC-32C when it is installed, runs on the crc32 instruction and passes the self-test; else null. */
function sse4Crc32c(): CrcFunction | null {
  let sse4: Sse4Crc32;
  try {
    sse4 = requireNativeAddon<Sse4Crc32>('sse4_crc32', /crc32c\.node$/).exports;
  } catch {
    return null;
  }
  const calculate = sse4.calculate;
  if (!sse4.hardware_support || calculate(CHECK_INPUT) !== CHECK_CRC32C || calculate(CHECK_INPUT.subarray(5), calculate(CHECK_INPUT.subarray(0, 5))) !== CHECK_CRC32C) {
    return null;
  }
  return (input, initialState) => calculate(input, initialState ?? 0);
}

/** CRC-32C of `buf`; `initialState` is the CRC of the bytes before it, to checksum a batch in pieces. */
export function crc32c(buf: Uint8Array, initialState = 0): number {
  if (backend === undefined) init();
  return buf.length < NATIVE_MIN_BYTES ? jsCrc32c!(buf, initialState) : nativeCrc32c!(buf, initialState);
}

/** CRC-32 (IEEE 802.3, as java.util.zip.CRC32). */
export function crc32(buf: Uint8Array, initialState = 0): number {
  if (backend === undefined) init();
  return buf.length < NATIVE_MIN_BYTES ? jsCrc32!(buf, initialState) : nativeCrc32!(buf, initialState);
}

/**
 * Which implementation serves CRC-32C for buffers of NATIVE_MIN_BYTES and more: 'sse4.2' (sse4_crc32), 'native'
 * (@node-rs/crc32) or 'js' when neither binary loads.
 */
export function crc32cBackend(): Crc32cBackend {
  if (backend === undefined) init();
  return backend!;
}

/** The JS implementation alone, for tests and the benchmark. */
export function crc32cJs(buf: Uint8Array, initialState = 0): number {
  if (backend === undefined) init();
  return jsCrc32c!(buf, initialState);
}
