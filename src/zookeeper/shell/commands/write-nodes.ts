// create, set, delete, deleteall, sync: zkCli 3.8's write commands.
import { deleteBatches, MAX_TTL_MS, OPEN_ACL_UNSAFE, validatePath, ZooKeeperError, type CreateModeName } from '../../client/index.js';
import { Err } from '../../jute/constants.js';
import { parseAcl } from '../acl-parser.js';
import { CliError, javaParseInt, javaParseLong, UncaughtJavaError } from '../cli-error.js';
import type { ShellCommand } from '../command.js';
import { statLines } from '../format.js';
import { clientOf, define, parse, usageError } from './define.js';

const CREATE_OPTIONS = {
  options: [
    { name: 'e', description: 'ephemeral' },
    { name: 's', description: 'sequential' },
    { name: 'c', description: 'container' },
    { name: 't', hasArg: true, description: 'ttl' },
  ],
};

function createMode(e: boolean, s: boolean, c: boolean, t: boolean): CreateModeName {
  if (e && s) return 'EPHEMERAL_SEQUENTIAL';
  if (e) return 'EPHEMERAL';
  if (s) return t ? 'PERSISTENT_SEQUENTIAL_WITH_TTL' : 'PERSISTENT_SEQUENTIAL';
  if (c) return 'CONTAINER';
  return t ? 'PERSISTENT_WITH_TTL' : 'PERSISTENT';
}

const create = define({
  name: 'create',
  usage: '[-s] [-e] [-c] [-t ttl] path [data] [acl]',
  summary: 'create a node (-s sequential, -e ephemeral, -c container, -t TTL in ms); prints "Created <path>" on stderr',
  pathArg: 0,
  async java(argv, ctx) {
    const cl = parse(CREATE_OPTIONS, argv);
    if (cl.args.length < 2) throw usageError(this);
    const [e, s, c, t] = ['e', 's', 'c', 't'].map((o) => cl.has(o)) as [boolean, boolean, boolean, boolean];
    if (c && (e || s)) throw new CliError('-c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential.');
    let ttl = 0n;
    if (t) {
      try {
        ttl = javaParseLong(cl.value('t'));
      } catch (err) {
        if (err instanceof UncaughtJavaError) throw new CliError('-t argument must be a long value');
        throw err;
      }
    }
    if (t && e) throw new CliError('TTLs cannot be used with Ephemeral znodes');
    if (t && c) throw new CliError('TTLs cannot be used with Container znodes');
    const mode = createMode(e, s, c, t);
    if (t && (ttl > BigInt(MAX_TTL_MS) || ttl <= 0n)) throw new CliError(`ttl must be positive and cannot be larger than: ${MAX_TTL_MS}`);
    const path = cl.args[1]!;
    const data = cl.args.length > 2 ? Buffer.from(cl.args[2]!, 'utf8') : null;
    const acl = cl.args.length > 3 ? parseAcl(cl.args[3]!, ctx.output.err) : OPEN_ACL_UNSAFE;
    try {
      const created = await clientOf(ctx).create(path, data, acl, mode, t ? Number(ttl) : -1);
      ctx.output.err(`Created ${created}`);
    } catch (err) {
      if (err instanceof ZooKeeperError && err.code === Err.EPHEMERALONLOCALSESSION) ctx.output.err('Unable to create ephemeral node on a local session');
      else if (err instanceof ZooKeeperError && err.code === Err.INVALIDACL) ctx.output.err(err.message);
      throw err;
    }
  },
});

const SET_OPTIONS = {
  options: [
    { name: 's', description: 'stats' },
    { name: 'v', hasArg: true, description: 'version' },
  ],
};

const set = define({
  name: 'set',
  usage: '[-s] [-v version] path data',
  summary: 'replace the data of a node (-v: only at that data version); -s prints the new stat',
  pathArg: 0,
  async java(argv, ctx) {
    const cl = parse(SET_OPTIONS, argv);
    if (cl.args.length < 3) throw usageError(this);
    const path = cl.args[1]!;
    const data = Buffer.from(cl.args[2]!, 'utf8');
    const version = cl.has('v') ? javaParseInt(cl.value('v')) : -1;
    const stat = await clientOf(ctx).setData(path, data, version);
    if (cl.has('s')) for (const line of statLines(stat)) ctx.output.out(line);
  },
});

const DELETE_OPTIONS = { options: [{ name: 'v', hasArg: true, description: 'version' }] };

const deleteNode = define({
  name: 'delete',
  usage: '[-v version] path',
  summary: 'delete a node that has no children (-v: only at that data version)',
  pathArg: 0,
  async java(argv, ctx) {
    let cl = parse(DELETE_OPTIONS, argv);
    if (cl.args.length < 2) throw usageError(this);
    // zkCli 3.8 warns about the legacy `delete path version` and then ignores the version.
    if (cl.args.length > 2) {
      ctx.output.err("'delete path [version]' has been deprecated. Please use 'delete [-v version] path' instead.");
      cl = parse(DELETE_OPTIONS, argv);
    }
    const version = cl.has('v') ? javaParseInt(cl.value('v')) : -1;
    await clientOf(ctx).delete(cl.args[1]!, version);
  },
});

const DELETEALL_OPTIONS = { options: [{ name: 'b', hasArg: true, description: 'batch size' }] };
/** ZKUtil.deleteInBatch's limit on multis in flight. */
const MAX_BATCHES_IN_FLIGHT = 10;

/** ZKUtil.listSubTreeBFS: a missing node anywhere fails the listing. */
async function listSubTreeBFS(client: ReturnType<typeof clientOf>, root: string): Promise<string[]> {
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    const node = tree[i]!;
    for (const child of await client.getChildren(node)) tree.push(node === '/' ? `/${child}` : `${node}/${child}`);
  }
  return tree;
}

const deleteall = define({
  name: 'deleteall',
  usage: 'path [-b batch size]',
  summary: 'delete a node and everything below it, leaves first, in multi batches of -b deletes (default 1000)',
  pathArg: 0,
  async java(argv, ctx) {
    const cl = parse(DELETEALL_OPTIONS, argv);
    if (cl.args.length < 2) throw usageError(this);
    let batchSize = 1000;
    if (cl.has('b')) {
      try {
        batchSize = javaParseInt(cl.value('b'));
      } catch (err) {
        if (err instanceof UncaughtJavaError) throw new CliError('-b argument must be an int value');
        throw err;
      }
    }
    const client = clientOf(ctx);
    const path = cl.args[1]!;
    validatePath(path);
    const tree = await listSubTreeBFS(client, path);
    let success = true;
    const inFlight = new Set<Promise<void>>();
    for (const ops of deleteBatches(tree, batchSize)) {
      if (!success) break;
      while (inFlight.size >= MAX_BATCHES_IN_FLIGHT) await Promise.race(inFlight);
      const batch: Promise<void> = client.multi(ops).then(
        () => void inFlight.delete(batch),
        () => {
          success = false;
          inFlight.delete(batch);
        },
      );
      inFlight.add(batch);
    }
    await Promise.all(inFlight);
    if (!success) ctx.output.err('Failed to delete some node(s) in the subtree!');
  },
});

const NO_OPTIONS = { options: [] };

const sync = define({
  name: 'sync',
  usage: 'path',
  summary: 'wait until the server has every change the leader had when asked; prints "Sync is OK"',
  pathArg: 0,
  async java(argv, ctx) {
    const cl = parse(NO_OPTIONS, argv);
    if (cl.args.length < 2) throw usageError(this);
    const client = clientOf(ctx);
    const path = cl.args[1]!;
    validatePath(path);
    let rc = 0;
    try {
      await client.sync(path);
    } catch (err) {
      if (!(err instanceof ZooKeeperError)) throw err;
      rc = err.code;
    }
    ctx.output.out(rc === 0 ? 'Sync is OK' : `Sync has failed. rc=${rc}`);
  },
});

export const WRITE_COMMANDS: ShellCommand[] = [create, set, deleteNode, deleteall, sync];

