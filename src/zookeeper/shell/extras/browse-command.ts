// `browse [path]`: the interactive ZNode browser. It needs a terminal; inquirer is loaded only here.
import { NoNodeError } from '../../client/index.js';
import type { ShellCommand, ShellContext } from '../command.js';
import { CliError } from '../cli-error.js';
import { clientOf, printLines, usageError } from './cli-output.js';
import { withTerminalToItself } from './terminal-handover.js';

/** Menu lines around the list: header, separator, actions, help line. */
const MENU_CHROME_LINES = 14;

export const browseCommand: ShellCommand = {
  name: 'browse',
  usage: '[path]',
  summary: 'browse znodes interactively: children, data, edit, create, delete, watch',
  pathArg: 0,
  async run(args: string[], ctx: ShellContext): Promise<number> {
    if (args.length > 1 || args[0]?.startsWith('-')) throw usageError(browseCommand);
    // The browser reads and draws on this process's terminal whatever mode the shell runs in (a one-shot
    // `zkcli browse /` too), so the test is on the streams themselves.
    if (!(process.stdin.isTTY && process.stdout.isTTY)) throw new CliError('browse needs a terminal: stdin and stdout must be a TTY');
    const client = clientOf(ctx);
    const start = args[0] ?? '/';
    if ((await client.exists(start)) === null) throw new NoNodeError(start);
    const [{ ZNodeBrowser }, { InquirerPrompter }] = await Promise.all([import('./browser.js'), import('./inquirer-prompter.js')]);
    const rows = process.stdout.rows ?? 24;
    const io = { prompter: new InquirerPrompter(), print: (lines: readonly string[]) => printLines(ctx, lines), pageSize: Math.max(7, rows - MENU_CHROME_LINES) };
    await withTerminalToItself(process.stdin, () => new ZNodeBrowser(client, io, start).run());
    return 0;
  },
};
