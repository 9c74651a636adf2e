// ls, get, stat, getAllChildrenNumber, getEphemerals: zkCli 3.8's read commands, with `--output json`.
import { NoNodeError, validatePath } from '../../client/index.js';
import type { ShellCommand } from '../command.js';
import { statJson, statLines } from '../format.js';
import { clientOf, define, parse, printJson, usageError } from './define.js';
import { visitSubTreeDFS } from './tree-walk.js';

const LS_OPTIONS = {
  options: [
    { name: '?', description: 'help' },
    { name: 's', description: 'stat' },
    { name: 'w', description: 'watch' },
    { name: 'R', description: 'recurse' },
  ],
};

/** commons-cli's HelpFormatter.printHelp("ls [options] path", options). */
const LS_HELP = ['usage: ls [options] path', ' -?   help', ' -R   recurse', ' -s   stat', ' -w   watch'];

/** zkCli's legacy `cmd path watch`: the third word becomes -w (with a deprecation warning) and the line is parsed again. */
function legacyWatch(spec: Parameters<typeof parse>[0], argv: string[], args: string[], warning: string, err: (line: string) => void) {
  if (args.length <= 2) return null;
  argv[2] = '-w';
  err(warning);
  return parse(spec, argv);
}

const ls = define({
  name: 'ls',
  usage: '[-s] [-w] [-R] path',
  summary: 'list the children of a node (sorted); -s adds its stat, -w sets a child watch, -R lists the whole subtree',
  pathArg: 0,
  async java(argv, ctx) {
    let cl = parse(LS_OPTIONS, argv);
    if (cl.has('?')) for (const line of LS_HELP) ctx.output.out(line);
    cl = legacyWatch(LS_OPTIONS, argv, cl.args, "'ls path [watch]' has been deprecated. Please use 'ls [-w] path' instead.", ctx.output.err) ?? cl;
    if (cl.args.length < 2) throw usageError(this);
    const client = clientOf(ctx);
    const path = cl.args[1]!;
    const watcher = cl.has('w') ? ctx.watcher : undefined;
    if (cl.has('R')) {
      const paths: string[] = [];
      await visitSubTreeDFS(client, path, watcher, (p) => (ctx.json ? void paths.push(p) : ctx.output.out(p)));
      if (ctx.json) printJson(ctx, { path, paths });
      return;
    }
    const { children, stat } = await client.getChildrenWithStat(path, watcher);
    children.sort();
    if (ctx.json) return printJson(ctx, cl.has('s') ? { path, children, stat: statJson(stat) } : { path, children });
    ctx.output.out(`[${children.join(', ')}]`);
    if (cl.has('s')) for (const line of statLines(stat)) ctx.output.out(line);
  },
});

const GET_OPTIONS = {
  options: [
    { name: 's', description: 'stats' },
    { name: 'w', description: 'watch' },
  ],
};

const get = define({
  name: 'get',
  usage: '[-s] [-w] path',
  summary: 'print the data of a node as UTF-8 (null for none); -s adds its stat, -w sets a data watch',
  pathArg: 0,
  async java(argv, ctx) {
    let cl = parse(GET_OPTIONS, argv);
    if (cl.args.length < 2) throw usageError(this);
    cl = legacyWatch(GET_OPTIONS, argv, cl.args, "'get path [watch]' has been deprecated. Please use 'get [-s] [-w] path' instead.", ctx.output.err) ?? cl;
    const path = cl.args[1]!;
    const { data, stat } = await clientOf(ctx).getData(path, cl.has('w') ? ctx.watcher : undefined);
    if (ctx.json) {
      return printJson(ctx, { path, data: data === null ? null : data.toString('utf8'), dataBase64: data === null ? null : data.toString('base64'), stat: statJson(stat) });
    }
    ctx.output.out(data === null ? 'null' : data.toString('utf8'));
    if (cl.has('s')) for (const line of statLines(stat)) ctx.output.out(line);
  },
});

const STAT_OPTIONS = { options: [{ name: 'w', description: 'watch' }] };

const stat = define({
  name: 'stat',
  usage: '[-w] path',
  summary: 'print the stat of a node; -w sets a watch on it (also when it does not exist yet)',
  pathArg: 0,
  async java(argv, ctx) {
    let cl = parse(STAT_OPTIONS, argv);
    if (cl.args.length < 2) throw usageError(this);
    cl = legacyWatch(STAT_OPTIONS, argv, cl.args, "'stat path [watch]' has been deprecated. Please use 'stat [-w] path' instead.", ctx.output.err) ?? cl;
    const path = cl.args[1]!;
    const found = await clientOf(ctx).exists(path, cl.has('w') ? ctx.watcher : undefined);
    if (found === null) throw new NoNodeError(path);
    if (ctx.json) return printJson(ctx, { path, stat: statJson(found) });
    for (const line of statLines(found)) ctx.output.out(line);
  },
});

const NO_OPTIONS = { options: [] };

const getAllChildrenNumber = define({
  name: 'getAllChildrenNumber',
  usage: 'path',
  summary: 'print the number of nodes below a node',
  pathArg: 0,
  async java(argv, ctx) {
    const cl = parse(NO_OPTIONS, argv);
    if (cl.args.length < 2) throw usageError(this);
    const path = cl.args[1]!;
    const count = await clientOf(ctx).getAllChildrenNumber(path);
    if (ctx.json) return printJson(ctx, { path, count });
    ctx.output.out(String(count));
  },
});

const getEphemerals = define({
  name: 'getEphemerals',
  usage: 'path',
  summary: "print this session's ephemeral nodes (those whose path starts with the given prefix)",
  pathArg: 0,
  async java(argv, ctx) {
    const cl = parse(NO_OPTIONS, argv);
    const prefix = cl.args.length < 2 ? undefined : cl.args[1]!;
    const client = clientOf(ctx);
    const root = client.chroot;
    if (root === null || ctx.json) {
      const ephemerals = await client.getEphemerals(prefix);
      if (ctx.json) return printJson(ctx, { prefix: prefix ?? '/', ephemerals });
      ctx.output.out(`[${ephemerals.join(', ')}]`);
      return;
    }
    // zkCli leaves the chroot out of getEphemerals: the prefix goes to the server as typed and the server's
    // paths come back. This session's ephemerals all lie under the chroot, so that is this filter.
    if (prefix !== undefined) validatePath(prefix);
    const all = (await client.getEphemerals('/')).map((p) => (p === '/' ? root : root + p));
    ctx.output.out(`[${all.filter((p) => p.startsWith(prefix ?? '/')).join(', ')}]`);
  },
});

export const READ_COMMANDS: ShellCommand[] = [ls, get, stat, getAllChildrenNumber, getEphemerals];

