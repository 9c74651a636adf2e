// `tree [-d depth] [path]`: the subtree drawn as the Unix tree command draws directories, each node with its data
// size and child count.
import type { ShellCommand, ShellContext } from '../command.js';
import { clientOf, printJson, printLines, usageError } from './cli-output.js';
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

/** The drawing: the root by its path, then every child under box-drawing branches; totals count the nodes drawn. */
export function treeLines(root: SubtreeNode): { lines: string[]; totals: TreeTotals } {
  const lines = [label(root, root.path)];
  const totals: TreeTotals = { nodes: 1, dataBytes: root.dataLength };
  const draw = (node: SubtreeNode, indent: string): void => {
    const children = node.children ?? [];
    children.forEach((child, i) => {
      const last = i === children.length - 1;
      lines.push(`${indent}${last ? '└── ' : '├── '}${label(child, child.name)}`);
      totals.nodes++;
      totals.dataBytes += child.dataLength;
      draw(child, indent + (last ? '    ' : '│   '));
    });
  };
  draw(root, '');
  return { lines, totals };
}

export interface TreeJson {
  path: string;
  dataLength: number;
  numChildren: number;
  /** Absent below the depth limit. */
  children?: TreeJson[];
}

export function treeJson(node: SubtreeNode): TreeJson {
  const json: TreeJson = { path: node.path, dataLength: node.dataLength, numChildren: node.numChildren };
  if (node.children !== null) json.children = node.children.map(treeJson);
  return json;
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
      printJson(ctx, treeJson(root));
      return 0;
    }
    const { lines, totals } = treeLines(root);
    printLines(ctx, [...lines, '', `${plural(totals.nodes, 'node')}, ${totals.dataBytes} B of data`]);
    return 0;
  },
};
