// Summarises a V8 .cpuprofile (node --cpu-prof): the functions with the most self time and the most
// inclusive time, as shares of the busy (non-idle) time. Usage: node cpu-profile-summary.js <file> [topN]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  name: string;
  selfPct: number;
  totalPct: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  bySelf: HotSpot[];
  byTotal: HotSpot[];
}

const ROOT_DIR = fileURLToPath(new URL('../../../', import.meta.url));
const IDLE = '(idle)';

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const fn = functionName || '(anonymous)';
  if (!url) return fn;
  let file = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (file.startsWith(ROOT_DIR)) file = file.slice(ROOT_DIR.length);
  return `${file}:${lineNumber + 1} ${fn}`;
}

export function summariseProfile(profile: CpuProfile, topN = 20): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const names = new Map<number, string>();
  for (const n of profile.nodes) names.set(n.id, frameName(n));
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let busyUs = 0;
  let idleUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const name = names.get(id)!;
    if (name === IDLE) {
      idleUs += dt;
      continue;
    }
    busyUs += dt;
    self.set(name, (self.get(name) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = names.get(at)!;
      if (n === '(root)' || seen.has(n)) continue;
      seen.add(n);
      total.set(n, (total.get(n) ?? 0) + dt);
    }
  }
  const pct = (us: number) => (busyUs > 0 ? (100 * us) / busyUs : 0);
  const spot = (name: string): HotSpot => ({ name, selfPct: pct(self.get(name) ?? 0), totalPct: pct(total.get(name) ?? 0) });
  const top = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, topN).map(([name]) => spot(name));
  return { busyMs: busyUs / 1000, idleMs: idleUs / 1000, bySelf: top(self), byTotal: top(total) };
}

export function formatProfileSummary(s: ProfileSummary): string {
  const lines = [`busy ${(s.busyMs / 1000).toFixed(1)} s, idle ${(s.idleMs / 1000).toFixed(1)} s (shares below are of busy time)`, '', 'by self time:'];
  for (const h of s.bySelf) lines.push(`  ${h.selfPct.toFixed(1).padStart(5)} %  (total ${h.totalPct.toFixed(1).padStart(5)} %)  ${h.name}`);
  lines.push('', 'by inclusive time:');
  for (const h of s.byTotal) lines.push(`  ${h.totalPct.toFixed(1).padStart(5)} %  (self ${h.selfPct.toFixed(1).padStart(5)} %)  ${h.name}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node cpu-profile-summary.js <file.cpuprofile> [topN]\n');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  process.stdout.write(`${formatProfileSummary(summariseProfile(profile, Number(process.argv[3] ?? 25)))}\n`);
}
