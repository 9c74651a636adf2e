// `browse [path]`: the interactive ZNode browser. It needs a terminal; inquirer is loaded only here.
import { NoNodeError } from '../../client/index.js';
import type { ShellCommand, ShellContext } from '../command.js';
import { cliErrorMessage, printError, printLines, printUsage, requireClient } from './cli-output.js';

/** Menu lines around the list: header, separator, actions, help line. */
const MENU_CHROME_LINES = 14;

export const browseCommand: ShellCommand = {
  name: 'browse',
  usage: '[path]',
  summary: 'browse znodes interactively: children, data, edit, create, delete, watch',
  pathArg: 0,
  async run(args: string[], ctx: ShellContext): Promise<number> {
    if (args.length > 1 || args[0]?.startsWith('-')) return printUsage(ctx, browseCommand);
    if (!ctx.interactive) {
      printError(ctx, 'browse needs a terminal: stdin and stdout must be a TTY');
      return 1;
    }
    const client = requireClient(ctx);
    if (client === null) return 1;
    const start = args[0] ?? '/';
    try {
      if ((await client.exists(start)) === null) throw new NoNodeError(start);
      const [{ ZNodeBrowser }, { InquirerPrompter }] = await Promise.all([import('./browser.js'), import('./inquirer-prompter.js')]);
      const rows = process.stdout.rows ?? 24;
      const io = { prompter: new InquirerPrompter(), print: (lines: readonly string[]) => printLines(ctx, lines), pageSize: Math.max(7, rows - MENU_CHROME_LINES) };
      await new ZNodeBrowser(client, io, start).run();
      return 0;
    } catch (err) {
      printError(ctx, cliErrorMessage(err));
      return 1;
    }
  },
};
