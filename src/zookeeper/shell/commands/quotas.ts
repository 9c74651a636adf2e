// listquota, setquota, delquota.
import { NoNodeError } from '../../client/index.js';
import type { ShellCommand } from '../command.js';
import { createQuota, delQuota, limitPath, listQuota, QUOTA_ROOT, StatsTrack } from '../quota.js';
import { clientOf, define, parse, printJson, usageError } from './define.js';

const NO_OPTIONS = { options: [] };

const listquota = define({
  name: 'listquota',
  usage: 'path',
  summary: 'print the quota of a node and its current usage',
  pathArg: 0,
  async java(argv, ctx) {
    const cl = parse(NO_OPTIONS, argv);
    if (cl.args.length < 2) throw usageError(this);
    const path = cl.args[1]!;
    try {
      if (!ctx.json) ctx.output.err(`absolute path is ${limitPath(path)}`);
      const [limits, stats] = await listQuota(clientOf(ctx), path);
      if (ctx.json) return printJson(ctx, { path, quota: limits.toJSON(), stats: stats.toJSON() });
      ctx.output.out(`Output quota for ${path} ${limits.toString()}`);
      ctx.output.out(`Output stat for ${path} ${stats.toString()}`);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      if (ctx.json) return printJson(ctx, { path, quota: null, stats: null });
      ctx.output.err(`quota for ${path} does not exist.`);
    }
  },
});

const QUOTA_OPTIONS = {
  options: [
    { name: 'n', hasArg: true, description: 'num soft quota' },
    { name: 'b', hasArg: true, description: 'bytes soft quota' },
    { name: 'N', hasArg: true, description: 'num hard quota' },
    { name: 'B', hasArg: true, description: 'bytes hard quota' },
  ],
  groups: [{ names: ['n', 'b', 'N', 'B'], required: true }],
};

const COUNT_OPTIONS: Record<string, string> = { n: 'count', N: 'countHardLimit' };
const BYTES_OPTIONS: Record<string, string> = { b: 'bytes', B: 'byteHardLimit' };

/** SetQuotaCommand.checkOptionValue: false (after a message on stderr) for a bad value. */
function readQuotaOptions(cl: ReturnType<typeof parse>, quota: StatsTrack, err: (line: string) => void): boolean {
  for (const option of ['n', 'b', 'N', 'B']) {
    if (!cl.has(option)) continue;
    const text = cl.value(option) ?? '';
    const isCount = option in COUNT_OPTIONS;
    const value = /^[+-]?\d+$/.test(text) ? BigInt(text) : null;
    const limit = isCount ? 0x7fffffffn : 0x7fffffffffffffffn;
    if (value === null || value > limit || value < -limit - 1n) {
      err('NumberFormatException happens when parsing the option value');
      return false;
    }
    if (isCount ? value <= 0n : value < 0n) {
      err(isCount ? 'the num quota must be greater than zero' : 'the bytes quota must be greater than or equal to zero');
      return false;
    }
    quota.set(isCount ? COUNT_OPTIONS[option]! : BYTES_OPTIONS[option]!, value);
  }
  return true;
}

const setquota = define({
  name: 'setquota',
  usage: '-n|-b|-N|-B val path',
  summary: 'set a quota: -n/-N node count (soft/hard), -b/-B bytes (soft/hard)',
  pathArg: 1,
  async java(argv, ctx) {
    const cl = parse(QUOTA_OPTIONS, argv);
    if (cl.args.length < 2) throw usageError(this);
    const path = cl.args[1]!;
    if (path.startsWith(QUOTA_ROOT)) {
      ctx.output.err(`cannot set a quota under the path: ${QUOTA_ROOT}`);
      return;
    }
    const quota = new StatsTrack();
    for (const key of ['count', 'bytes', 'countHardLimit', 'byteHardLimit']) quota.set(key, -1n);
    if (!readQuotaOptions(cl, quota, ctx.output.err)) return;
    await createQuota(clientOf(ctx), path, quota, ctx.output.out);
  },
});

const DELQUOTA_OPTIONS = {
  options: [
    { name: 'n', description: 'num soft quota' },
    { name: 'b', description: 'bytes soft quota' },
    { name: 'N', description: 'num hard quota' },
    { name: 'B', description: 'bytes hard quota' },
  ],
  groups: [{ names: ['n', 'b', 'N', 'B'] }],
};

const delquota = define({
  name: 'delquota',
  usage: '[-n|-b|-N|-B] path',
  summary: 'remove a quota, or only one of its limits',
  pathArg: 0,
  async java(argv, ctx) {
    const cl = parse(DELQUOTA_OPTIONS, argv);
    if (cl.args.length < 2) throw usageError(this);
    const path = cl.args[1]!;
    const which = new StatsTrack();
    const keys: Record<string, string> = { n: 'count', b: 'bytes', N: 'countHardLimit', B: 'byteHardLimit' };
    let any = false;
    for (const [option, key] of Object.entries(keys)) {
      if (cl.has(option)) {
        which.set(key, 1n);
        any = true;
      }
    }
    try {
      await delQuota(clientOf(ctx), path, any ? which : null, ctx.output.out);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      ctx.output.err(`quota for ${path} does not exist.`);
    }
  },
});

export const QUOTA_COMMANDS: ShellCommand[] = [listquota, setquota, delquota];
