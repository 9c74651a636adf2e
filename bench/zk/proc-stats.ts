// Reads a process's resident memory and CPU time from /proc (Linux only).
import { readFileSync } from 'node:fs';

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** VmRSS of `pid` in bytes, or 0 when the process is gone. */
export function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** User + system CPU time of `pid` (all its threads) in milliseconds, or NaN when the process is gone. */
export function cpuTimeMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Samples a process's RSS every `intervalMs` until stopped; keeps the peak, overall and since the last mark. */
export class RssSampler {
  peakBytes = 0;
  peakSinceMarkBytes = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number, intervalMs = 50) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    const rss = rssBytes(this.pid);
    this.peakBytes = Math.max(this.peakBytes, rss);
    this.peakSinceMarkBytes = Math.max(this.peakSinceMarkBytes, rss);
  }

  /** The peak since the previous mark; starts a new interval. */
  mark(): number {
    this.sample();
    const peak = this.peakSinceMarkBytes;
    this.peakSinceMarkBytes = 0;
    return peak;
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peakBytes;
  }
}
