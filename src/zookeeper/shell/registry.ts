// The command table: zkCli 3.8's commands, `help`, and the extra commands (loaded only when a line needs one, so
// a one-shot zkCli command never loads them).
import { ACL_COMMANDS } from './commands/acl-auth.js';
import { CONFIG_COMMANDS } from './commands/config.js';
import { QUOTA_COMMANDS } from './commands/quotas.js';
import { READ_COMMANDS } from './commands/read-nodes.js';
import { SESSION_COMMANDS } from './commands/session.js';
import { WATCH_COMMANDS } from './commands/watches.js';
import { WRITE_COMMANDS } from './commands/write-nodes.js';
import type { ShellCommand } from './command.js';

export const ZKCLI_COMMANDS: readonly ShellCommand[] = [
  ...READ_COMMANDS,
  ...WRITE_COMMANDS,
  ...ACL_COMMANDS,
  ...CONFIG_COMMANDS,
  ...QUOTA_COMMANDS,
  ...WATCH_COMMANDS,
  ...SESSION_COMMANDS,
];

const ZKCLI_BY_NAME = new Map(ZKCLI_COMMANDS.map((c) => [c.name, c]));

/** Java's String sort (UTF-16 code units), as ZooKeeperMain sorts its usage lines. */
const byName = (a: ShellCommand, b: ShellCommand) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** ZooKeeperMain.usage(): printed on stderr for an unknown command. */
export function apacheUsage(): string[] {
  return ['ZooKeeper -server host:port -client-configuration properties-file cmd args', ...[...ZKCLI_COMMANDS].sort(byName).map((c) => `\t${c.name} ${c.usage}`)];
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
    for (const c of [...ZKCLI_COMMANDS, help].sort(byName)) out(`\t${c.name} ${c.usage}`.padEnd(40) + (c.summary ? `  ${c.summary}` : ''));
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
      this.loadedExtras = extras.filter((c) => !ZKCLI_BY_NAME.has(c.name) && c.name !== 'help');
    }
    return this.loadedExtras;
  }

  async resolve(name: string): Promise<ShellCommand | undefined> {
    const core = ZKCLI_BY_NAME.get(name);
    if (core) return core;
    if (name === 'help') return help;
    return (await this.extras()).find((c) => c.name === name);
  }

  async all(): Promise<ShellCommand[]> {
    return [...ZKCLI_COMMANDS, help, ...(await this.extras())];
  }
}
