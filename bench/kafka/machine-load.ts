// How busy the machine is while a benchmark runs: the load average and Linux CPU pressure, printed with figures.
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
