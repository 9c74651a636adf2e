// How busy the machine is while a benchmark runs: the load average and Linux CPU pressure, printed with figures;
// and the page cache's backlog of writes, flushed before a latency run.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** The share of the last 10 s in which some runnable task waited for a CPU (Linux PSI), or '?' without PSI. */
export function cpuPressure(): string {
  try {
    const m = /some avg10=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? `${m[1]}%` : '?';
  } catch {
    return '?';
  }
}

export function machineLoad(): string {
  return `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, CPU pressure (PSI some avg10) ${cpuPressure()}`;
}

/** Bytes in the page cache waiting to be written to disk (Dirty + Writeback of /proc/meminfo); null without it. */
function unwrittenBytes(): number | null {
  try {
    const info = readFileSync('/proc/meminfo', 'utf8');
    let kB = 0;
    for (const m of info.matchAll(/^(?:Dirty|Writeback):\s+(\d+) kB$/gm)) kB += Number(m[1]);
    return kB * 1024;
  } catch {
    return null;
  }
}

/**
 * Writes out what earlier phases left dirty in the page cache (`sync`) and says how much that was. The throughput
 * phases leave gigabytes, which the kernel starts writing back 30 s later (vm.dirty_expire_centisecs), in the middle of
 * whatever runs then: a latency run is measured after they are on disk, not beside their flush.
 */
export function flushPageCache(): string {
  const before = unwrittenBytes();
  const t0 = performance.now();
  spawnSync('sync');
  const ms = performance.now() - t0;
  return `page cache written back first (sync): ${before === null ? '?' : Math.round(before / 1e6).toLocaleString('en-US')} MB in ${Math.round(ms)} ms`;
}
