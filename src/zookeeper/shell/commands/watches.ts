// addWatch and removewatches.
import { IllegalArgumentError, type PersistentWatchMode, type WatcherTypeName } from '../../client/index.js';
import { UncaughtJavaError } from '../cli-error.js';
import type { ShellCommand } from '../command.js';
import { clientOf, define, parse, usageError } from './define.js';

const ADDWATCH_OPTIONS = { options: [{ name: 'm', hasArg: true, description: '' }] };
const MODES: Record<string, PersistentWatchMode> = { PERSISTENT: 'Persistent', PERSISTENT_RECURSIVE: 'PersistentRecursive' };
const MODE_KEY = 'addWatch.mode';

const addWatch = define({
  name: 'addWatch',
  usage: '[-m mode] path # optional mode is one of [PERSISTENT, PERSISTENT_RECURSIVE] - default is PERSISTENT_RECURSIVE',
  summary: 'add a persistent watch that stays until removed (events print as WATCHER lines)',
  pathArg: 0,
  async java(argv, ctx) {
    const cl = parse(ADDWATCH_OPTIONS, argv);
    if (cl.args.length !== 2) throw usageError(this);
    // zkCli keeps one AddWatchCommand for the whole session: a -m mode stays for later addWatch lines.
    if (cl.has('m')) {
      const mode = MODES[cl.value('m')!.toUpperCase()];
      if (!mode) throw usageError(this);
      ctx.shell.memo.set(MODE_KEY, mode);
    }
    const mode = (ctx.shell.memo.get(MODE_KEY) as PersistentWatchMode | undefined) ?? 'PersistentRecursive';
    try {
      await clientOf(ctx).addWatch(cl.args[1]!, mode, ctx.watcher);
    } catch (err) {
      // zkCli does not catch a bad path here: the JVM reports it and exits.
      if (err instanceof IllegalArgumentError) throw new UncaughtJavaError('java.lang.IllegalArgumentException', err.message);
      throw err;
    }
  },
});

const REMOVEWATCHES_OPTIONS = {
  options: [
    { name: 'c', description: 'child watcher type' },
    { name: 'd', description: 'data watcher type' },
    { name: 'a', description: 'any watcher type' },
    { name: 'l', description: 'remove locally when there is no server connection' },
  ],
};

const removewatches = define({
  name: 'removewatches',
  usage: 'path [-c|-d|-a] [-l]',
  summary: 'remove the watches on a node: -c child, -d data, -a any (default); -l also when disconnected',
  pathArg: 0,
  async java(argv, ctx) {
    const cl = parse(REMOVEWATCHES_OPTIONS, argv);
    if (cl.args.length < 2) throw usageError(this);
    let type: WatcherTypeName = 'Any';
    if (cl.has('c')) type = 'Children';
    else if (cl.has('d')) type = 'Data';
    await clientOf(ctx).removeAllWatches(cl.args[1]!, type, cl.has('l'));
  },
});

export const WATCH_COMMANDS: ShellCommand[] = [addWatch, removewatches];
