// The comparison table: per phase and op, ours against Apache with ratios, targets and verdicts.
import type { PhaseResult } from './load-generator.js';
import type { SyncCounters } from './sync-counters.js';
import type { PhaseName } from './workload.js';

export interface PhaseRun {
  result: PhaseResult;
  serverCpuMs: number;
  generatorCpuMs: number;
  peakRssBytes: number;
  /** Group commits over the phase, from `mntr`; null when the server did not say. */
  sync: SyncCounters | null;
}

export interface ServerRun {
  label: string;
  phases: Map<PhaseName, PhaseRun>;
  peakRssBytes: number;
}

export interface StartupRun {
  label: string;
  samplesMs: number[];
  idleRssBytes: number[];
}

export interface Verdicts {
  lines: number;
  failed: number;
}

export const TARGETS = { throughputMin: 1.0, p99Max: 1.0, startupMax: 0.2, rssMax: 0.5 };

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const opsPerSec = (count: number, ms: number) => (ms > 0 ? (count * 1000) / ms : 0);
const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const fmtMs = (us: number) => (Number.isFinite(us) ? (us / 1000).toFixed(us < 10_000 ? 2 : 1) : '-');
const fmtRatio = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '-');
const fmtPct = (ms: number, wallMs: number) => (Number.isFinite(ms) && wallMs > 0 ? `${Math.round((100 * ms) / wallMs)}%` : '-');
const mb = (bytes: number) => bytes / (1024 * 1024);

export function table(header: string[], rows: string[][], rightAligned: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (rightAligned[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function verdict(ok: boolean, v: Verdicts): string {
  v.lines++;
  if (!ok) v.failed++;
  return ok ? 'PASS' : 'FAIL';
}

/** Per phase and op: both servers side by side when both ran, else the one that did. */
export function loadTable(ours: ServerRun | null, apache: ServerRun | null, phases: PhaseName[], v: Verdicts, targets: { throughputMin: number; p99Max: number } = TARGETS): string {
  const both = ours !== null && apache !== null;
  const header = both
    ? ['phase', 'op', 'zkafka ops/s', 'Apache ops/s', 'ratio', `≥${targets.throughputMin.toFixed(1)}×`, 'zkafka p50/p99 ms', 'Apache p50/p99 ms', 'p99 ratio', `≤${targets.p99Max.toFixed(1)}×`, 'srv CPU z/A', 'gen CPU z/A', 'errors z/A']
    : ['phase', 'op', 'ops/s', 'p50 ms', 'p99 ms', 'srv CPU', 'gen CPU', 'errors'];
  const rows: string[][] = [];
  for (const name of phases) {
    const o = ours?.phases.get(name);
    const a = apache?.phases.get(name);
    const any = o ?? a;
    if (!any) continue;
    for (let i = 0; i < any.result.ops.length; i++) {
      const oo = o?.result.ops[i];
      const ao = a?.result.ops[i];
      if (!(oo?.count || ao?.count)) continue;
      const op = any.result.ops[i]!.op;
      if (both && o && a && oo && ao) {
        const oRate = opsPerSec(oo.count, o.result.elapsedMs);
        const aRate = opsPerSec(ao.count, a.result.elapsedMs);
        const o99 = oo.hist.percentile(0.99);
        const a99 = ao.hist.percentile(0.99);
        const rate = oRate / aRate;
        const p99 = o99 / a99;
        const errs = oo.errors || ao.errors ? `${fmtInt(oo.errors)}/${fmtInt(ao.errors)}${oo.errors ? ` (first ${oo.firstError})` : ''}${ao.errors ? ` (first ${ao.firstError})` : ''}` : '0';
        rows.push([
          name, op, fmtInt(oRate), fmtInt(aRate), fmtRatio(rate), verdict(rate >= targets.throughputMin, v),
          `${fmtMs(oo.hist.percentile(0.5))} / ${fmtMs(o99)}`, `${fmtMs(ao.hist.percentile(0.5))} / ${fmtMs(a99)}`, fmtRatio(p99), verdict(p99 <= targets.p99Max, v),
          `${fmtPct(o.serverCpuMs, o.result.elapsedMs)}/${fmtPct(a.serverCpuMs, a.result.elapsedMs)}`,
          `${fmtPct(o.generatorCpuMs, o.result.elapsedMs)}/${fmtPct(a.generatorCpuMs, a.result.elapsedMs)}`,
          errs,
        ]);
      } else {
        const run = (o ?? a)!;
        const s = run.result.ops[i]!;
        rows.push([
          name, op, fmtInt(opsPerSec(s.count, run.result.elapsedMs)), fmtMs(s.hist.percentile(0.5)), fmtMs(s.hist.percentile(0.99)),
          fmtPct(run.serverCpuMs, run.result.elapsedMs), fmtPct(run.generatorCpuMs, run.result.elapsedMs), s.errors ? `${s.errors} (first ${s.firstError})` : '0',
        ]);
      }
    }
  }
  const right = header.map((h, i) => i >= 2 && !h.includes('p50') && !h.startsWith('≥') && !h.startsWith('≤'));
  return table(header, rows, right);
}

export function resourceTable(
  ours: { startup: StartupRun | null; run: ServerRun | null },
  apache: { startup: StartupRun | null; run: ServerRun | null },
  v: Verdicts,
): string {
  const header = ['measure', 'zkafka', 'Apache', 'ratio', 'target', 'verdict'];
  const rows: string[][] = [];
  const line = (label: string, o: number, a: number, unit: string, digits: number, max: number | null) => {
    const r = o / a;
    const ok = Number.isFinite(r);
    rows.push([
      label,
      Number.isFinite(o) ? `${o.toFixed(digits)} ${unit}` : '-',
      Number.isFinite(a) ? `${a.toFixed(digits)} ${unit}` : '-',
      ok ? fmtRatio(r) : '-',
      max === null ? '' : `≤ ${max.toFixed(2)}×`,
      max === null || !ok ? '' : verdict(r <= max, v),
    ]);
  };
  const runs = Math.max(ours.startup?.samplesMs.length ?? 0, apache.startup?.samplesMs.length ?? 0);
  if (runs > 0) {
    line(`startup, spawn → imok (median of ${runs})`, median(ours.startup?.samplesMs ?? []), median(apache.startup?.samplesMs ?? []), 'ms', 0, TARGETS.startupMax);
    line('RSS just after start (median)', mb(median(ours.startup?.idleRssBytes ?? [])), mb(median(apache.startup?.idleRssBytes ?? [])), 'MB', 1, null);
  }
  if (ours.run || apache.run) {
    line('peak RSS under load', mb(ours.run?.peakRssBytes ?? Number.NaN), mb(apache.run?.peakRssBytes ?? Number.NaN), 'MB', 1, TARGETS.rssMax);
  }
  return table(header, rows, [false, true, true, true, false, false]);
}

/** Where the memory grows: the server's peak RSS in each phase. */
export function rssByPhase(run: ServerRun | null): string {
  if (!run) return '';
  return `${run.label}: ${[...run.phases.entries()].map(([name, p]) => `${name} ${Math.round(mb(p.peakRssBytes))}`).join(', ')} MB`;
}

/**
 * One line per process timed at start-up: min and median, then the samples in the order taken. Our server's line
 * also gives its median above the `node -e 0` floor, the part of its start-up that is its own.
 */
export function startupLines(runs: { ours?: StartupRun; apache?: StartupRun; compare?: StartupRun; floor?: StartupRun }): string[] {
  const lines: string[] = [];
  const floor = runs.floor ? median(runs.floor.samplesMs) : Number.NaN;
  for (const run of [runs.ours, runs.compare, runs.apache, runs.floor]) {
    if (!run || run.samplesMs.length === 0) continue;
    const med = median(run.samplesMs);
    const own = run !== runs.floor && run !== runs.apache && Number.isFinite(floor) ? `, ${Math.round(med - floor)} ms above the node floor` : '';
    lines.push(`start-up, ${run.label}: min ${Math.round(Math.min(...run.samplesMs))}, median ${Math.round(med)} ms${own} (${run.samplesMs.map((ms) => Math.round(ms)).join(', ')})`);
  }
  return lines;
}

/** Group commit per write phase: fsyncs per second and transactions per fsync, both servers as `mntr` counts them. */
export function syncTable(ours: ServerRun | null, apache: ServerRun | null, phases: PhaseName[]): string {
  const runs = [ours, apache].filter((r): r is ServerRun => r !== null);
  const header = ['phase', ...runs.flatMap((r) => [`${r.label} fsyncs/s`, 'txns/fsync', 'fsync avg/max ms'])];
  const rows: string[][] = [];
  for (const name of phases) {
    const cells: string[] = [];
    let any = false;
    for (const run of runs) {
      const p = run.phases.get(name);
      const s = p?.sync;
      if (!p || !s || s.fsyncs === 0) {
        cells.push('-', '-', '-');
        continue;
      }
      any = true;
      cells.push(
        fmtInt(opsPerSec(s.fsyncs, p.result.elapsedMs)),
        s.batches > 0 ? (s.batchTxns / s.batches).toFixed(1) : '-',
        `${(s.fsyncMs / s.fsyncs).toFixed(1)} / ${s.maxFsyncMs}`,
      );
    }
    if (any) rows.push([name, ...cells]);
  }
  return `group commit (from mntr: zk_cnt/sum_fsynctime, zk_cnt/sum_sync_processor_batch_size; max is over the server's life)\n${table(header, rows, header.map((_, i) => i > 0))}`;
}
