// The command table: zkCli 3.8's commands, `help`, and the extra commands (loaded only when a line needs one, so
// a one-shot zkCli command never loads them).
import type { ShellCommand } from './command.js';

/** zkCli's commands by module: a one-shot command loads only its own module. */
const GROUPS = {
  read: async () => (await import('./commands/read-nodes.js')).READ_COMMANDS,
  write: async () => (await import('./commands/write-nodes.js')).WRITE_COMMANDS,
  acl: async () => (await import('./commands/acl-auth.js')).ACL_COMMANDS,
  config: async () => (await import('./commands/config.js')).CONFIG_COMMANDS,
  quota: async () => (await import('./commands/quotas.js')).QUOTA_COMMANDS,
  watch: async () => (await import('./commands/watches.js')).WATCH_COMMANDS,
  session: async () => (await import('./commands/session.js')).SESSION_COMMANDS,
} satisfies Record<string, () => Promise<ShellCommand[]>>;

type Group = keyof typeof GROUPS;

const GROUP_OF: Record<string, Group> = {
  ls: 'read',
  get: 'read',
  stat: 'read',
  getAllChildrenNumber: 'read',
  getEphemerals: 'read',
  create: 'write',
  set: 'write',
  delete: 'write',
  deleteall: 'write',
  sync: 'write',
  getAcl: 'acl',
  setAcl: 'acl',
  addauth: 'acl',
  whoami: 'acl',
  config: 'config',
  reconfig: 'config',
  listquota: 'quota',
  setquota: 'quota',
  delquota: 'quota',
  addWatch: 'watch',
  removewatches: 'watch',
  close: 'session',
  version: 'session',
  connect: 'session',
  history: 'session',
  redo: 'session',
  printwatches: 'session',
  quit: 'session',
};

/** The names of zkCli 3.8's commands. */
export const ZKCLI_COMMAND_NAMES: readonly string[] = Object.keys(GROUP_OF);

/** The commands ZooKeeperMain runs itself; after them it checks the session like before any other command. */
export const JAVA_BUILTINS = new Set(['connect', 'history', 'redo', 'printwatches', 'quit']);

async function zkCliCommand(name: string): Promise<ShellCommand | undefined> {
  if (!Object.hasOwn(GROUP_OF, name)) return undefined;
  return (await GROUPS[GROUP_OF[name]!]()).find((c) => c.name === name);
}

/** Every zkCli command (loads them all). */
export async function zkCliCommands(): Promise<ShellCommand[]> {
  return (await Promise.all(Object.values(GROUPS).map((load) => load()))).flat();
}

/** Java's String sort (UTF-16 code units), as ZooKeeperMain sorts its usage lines. */
const byName = (a: ShellCommand, b: ShellCommand) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** ZooKeeperMain.usage(): printed on stderr for an unknown command. */
export async function apacheUsage(): Promise<string[]> {
  const commands = await zkCliCommands();
  return ['ZooKeeper -server host:port -client-configuration properties-file cmd args', ...commands.sort(byName).map((c) => `\t${c.name} ${c.usage}`)];
}

const help: ShellCommand = {
  name: 'help',
  usage: '',
  summary: 'this list',
  local: true,
  async run(_args, ctx) {
    const table = (ctx.shell as unknown as { table: CommandTable }).table;
    const extras = await table.extras();
    const out = ctx.output.out;
    out('ZooKeeper -server host:port[,host:port...][/chroot] [-timeout ms] [-r] [-waitforconnection] [--output json] cmd args');
    for (const c of [...(await zkCliCommands()), help].sort(byName)) out(`\t${c.name} ${c.usage}`.padEnd(40) + (c.summary ? `  ${c.summary}` : ''));
    if (extras.length > 0) {
      out('Beyond zkCli:');
      for (const c of [...extras].sort(byName)) out(`\t${c.name} ${c.usage}`.padEnd(40) + (c.summary ? `  ${c.summary}` : ''));
    }
    out('With --output json, ls, get, stat, getAcl, listquota, getEphemerals, getAllChildrenNumber, whoami and config');
    out('print one JSON document each (zxids and session ids as "0x..." strings, times in epoch ms), node watch');
    out('events print as {"event":{...}} lines, and the banner and connection events are left out. Errors stay');
    out('one line on stderr.');
    return 0;
  },
};

export class CommandTable {
  private loadedExtras: ShellCommand[] | null = null;

  /** The extra commands whose names zkCli does not use. */
  async extras(): Promise<ShellCommand[]> {
    if (this.loadedExtras === null) {
      let extras: ShellCommand[] = [];
      try {
        extras = (await import('./extras/index.js')).EXTRA_COMMANDS;
      } catch {
        // no extras built
      }
      this.loadedExtras = extras.filter((c) => !Object.hasOwn(GROUP_OF, c.name) && c.name !== 'help');
    }
    return this.loadedExtras;
  }

  async resolve(name: string): Promise<ShellCommand | undefined> {
    const core = await zkCliCommand(name);
    if (core) return core;
    if (name === 'help') return help;
    return (await this.extras()).find((c) => c.name === name);
  }

  async all(): Promise<ShellCommand[]> {
    return [...(await zkCliCommands()), help, ...(await this.extras())];
  }
}
