// The standard process_* metrics of Prometheus client libraries, for this Node.js process.
import { readdirSync, readFileSync } from 'node:fs';
import type { Exposition } from './exposition.js';

const START_TIME_SECONDS = (Date.now() - performance.now()) / 1000;

function openFds(): number | null {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}

function maxFds(): number | null {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export function writeProcessMetrics(page: Exposition): void {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  page.counter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', (cpu.user + cpu.system) / 1e6);
  page.gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', Math.round(START_TIME_SECONDS * 1000) / 1000);
  page.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', mem.rss);
  const open = openFds();
  if (open !== null) page.gauge('process_open_fds', 'Number of open file descriptors.', open);
  const max = maxFds();
  if (max !== null) page.gauge('process_max_fds', 'Maximum number of open file descriptors.', max);
  page.gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', mem.heapUsed);
  page.gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', mem.heapTotal);
}
