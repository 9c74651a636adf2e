// `find path pattern`: the paths below `path` whose node name matches a shell pattern, depth first with children
// in name order (zk-shell's find, with globs).
import { CliError } from '../cli-error.js';
import type { ShellCommand, ShellContext } from '../command.js';
import { clientOf, printJson, printLines, usageError } from './cli-output.js';
import { GlobSyntaxError, globToRegExp } from './glob.js';
import { withProgress } from './progress.js';
import { readSubtree, type SubtreeNode } from './subtree.js';

/** Descendants of `root` (not `root` itself) whose name matches, in depth-first order (an explicit stack). */
export function findMatches(root: SubtreeNode, pattern: RegExp): string[] {
  const matches: string[] = [];
  const stack: SubtreeNode[] = [];
  const pushChildren = (node: SubtreeNode): void => {
    const children = node.children;
    if (children !== null) for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  };
  pushChildren(root);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (pattern.test(node.name)) matches.push(node.path);
    pushChildren(node);
  }
  return matches;
}

export const findCommand: ShellCommand = {
  name: 'find',
  usage: 'path pattern',
  summary: 'paths below path whose node name matches a pattern (* ? [a-z])',
  pathArg: 0,
  async run(args: string[], ctx: ShellContext): Promise<number> {
    if (args.length !== 2) throw usageError(findCommand);
    const [path, glob] = args as [string, string];
    let pattern: RegExp;
    try {
      pattern = globToRegExp(glob);
    } catch (err) {
      throw err instanceof GlobSyntaxError ? new CliError(err.message) : err;
    }
    const client = clientOf(ctx);
    const root = await withProgress(ctx, `Searching ${path}`, (onProgress) => readSubtree(client, path, { onProgress }));
    const matches = findMatches(root, pattern);
    if (ctx.json) printJson(ctx, matches);
    else printLines(ctx, matches);
    return 0;
  },
};
