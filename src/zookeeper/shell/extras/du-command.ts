// `du path`: the data bytes held by a node and everything below it, printed as one number (zk-shell's du).
import type { ShellCommand, ShellContext } from '../command.js';
import { clientOf, printJson, printLines, usageError } from './cli-output.js';
import { withProgress } from './progress.js';
import { readSubtree, type SubtreeNode } from './subtree.js';

export interface DiskUsage {
  path: string;
  dataBytes: number;
  nodes: number;
}

export function diskUsage(root: SubtreeNode): DiskUsage {
  const usage: DiskUsage = { path: root.path, dataBytes: 0, nodes: 0 };
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    usage.dataBytes += node.dataLength;
    usage.nodes++;
    // A loop, not push(...children): a node can have more children than a call takes arguments.
    if (node.children) for (const child of node.children) stack.push(child);
  }
  return usage;
}

export const duCommand: ShellCommand = {
  name: 'du',
  usage: 'path',
  summary: 'total data bytes of the subtree at path',
  pathArg: 0,
  async run(args: string[], ctx: ShellContext): Promise<number> {
    if (args.length !== 1) throw usageError(duCommand);
    const client = clientOf(ctx);
    const root = await withProgress(ctx, `Reading ${args[0]}`, (onProgress) => readSubtree(client, args[0]!, { onProgress }));
    const usage = diskUsage(root);
    if (ctx.json) printJson(ctx, usage);
    else printLines(ctx, [String(usage.dataBytes)]);
    return 0;
  },
};
