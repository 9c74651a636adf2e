// `tree [-d depth] [path]`: the subtree drawn as the Unix tree command draws directories, each node with its data
// size and child count.
import type { ShellCommand, ShellContext } from '../command.js';
import { clientOf, printLines, usageError } from './cli-output.js';
import { withProgress } from './progress.js';
import { readSubtree, type SubtreeNode } from './subtree.js';
import { plural, sizeAndChildren } from './znode-text.js';

export interface TreeTotals {
  nodes: number;
  dataBytes: number;
}

function label(node: SubtreeNode, name: string): string {
  return `${name}  [${sizeAndChildren(node.dataLength, node.numChildren)}]`;
}

interface DrawFrame {
  children: SubtreeNode[];
  next: number;
  indent: string;
}

/**
 * The drawing: the root by its path, then every child under box-drawing branches; totals count the nodes drawn.
 * Depth first with an explicit stack, so a chain of any depth draws.
 */
export function treeLines(root: SubtreeNode): { lines: string[]; totals: TreeTotals } {
  const lines = [label(root, root.path)];
  const totals: TreeTotals = { nodes: 1, dataBytes: root.dataLength };
  const stack: DrawFrame[] = [{ children: root.children ?? [], next: 0, indent: '' }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next === top.children.length) {
      stack.pop();
      continue;
    }
    const child = top.children[top.next++]!;
    const last = top.next === top.children.length;
    lines.push(`${top.indent}${last ? '└── ' : '├── '}${label(child, child.name)}`);
    totals.nodes++;
    totals.dataBytes += child.dataLength;
    if (child.children !== null && child.children.length > 0) {
      stack.push({ children: child.children, next: 0, indent: top.indent + (last ? '    ' : '│   ') });
    }
  }
  return { lines, totals };
}

/** The shape of `tree --json`. */
export interface TreeJson {
  path: string;
  dataLength: number;
  numChildren: number;
  /** Absent below the depth limit. */
  children?: TreeJson[];
}

/**
 * The subtree as TreeJson text, written out with an explicit stack: JSON.stringify recurses and gives up on
 * nesting a few thousand levels deep.
 */
export function treeJsonText(root: SubtreeNode): string {
  const parts: string[] = [];
  // Nodes still to write, and the text that closes a node once its children are written.
  const stack: (SubtreeNode | string)[] = [root];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      parts.push(item);
      continue;
    }
    parts.push(`{"path":${JSON.stringify(item.path)},"dataLength":${item.dataLength},"numChildren":${item.numChildren}`);
    const children = item.children;
    if (children === null) {
      parts.push('}');
      continue;
    }
    parts.push(',"children":[');
    stack.push(']}');
    for (let i = children.length - 1; i >= 0; i--) {
      stack.push(children[i]!);
      if (i > 0) stack.push(',');
    }
  }
  return parts.join('');
}

/** Options anywhere among the arguments, as zkCli's parser allows; null when they do not parse. */
function parseArgs(args: string[]): { path: string; maxDepth: number | undefined } | null {
  let path: string | undefined;
  let maxDepth: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-d') {
      const value = args[++i];
      if (value === undefined || !/^\d+$/.test(value)) return null;
      maxDepth = Number(value);
    } else if (path === undefined && !arg.startsWith('-')) {
      path = arg;
    } else {
      return null;
    }
  }
  return { path: path ?? '/', maxDepth };
}

export const treeCommand: ShellCommand = {
  name: 'tree',
  usage: '[-d depth] [path]',
  summary: 'the subtree with each node\'s data size and child count',
  pathArg: 0,
  async run(args: string[], ctx: ShellContext): Promise<number> {
    const parsed = parseArgs(args);
    if (parsed === null) throw usageError(treeCommand);
    const client = clientOf(ctx);
    const root = await withProgress(ctx, `Reading ${parsed.path}`, (onProgress) => readSubtree(client, parsed.path, { maxDepth: parsed.maxDepth, onProgress }));
    if (ctx.json) {
      ctx.output.out(treeJsonText(root));
      return 0;
    }
    const { lines, totals } = treeLines(root);
    printLines(ctx, [...lines, '', `${plural(totals.nodes, 'node')}, ${totals.dataBytes} B of data`]);
    return 0;
  },
};
