// Pins a process, every thread of it, to some of the machine's CPUs (taskset, from util-linux), for benchmarks that
// must keep two processes off each other's cores. Threads and children started later inherit the pinning.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

/** Every CPU of this machine, as taskset writes a list. */
export const ALL_CPUS = `0-${cpus().length - 1}`;

/** Pins `pid`'s threads to the CPUs of `list` (as "1" or "0-3"); false when taskset is missing or refused. */
export function pinProcess(pid: number, list: string): boolean {
  const r = spawnSync('taskset', ['--all-tasks', '--pid', '--cpu-list', list, String(pid)], { stdio: 'ignore' });
  return r.status === 0;
}
