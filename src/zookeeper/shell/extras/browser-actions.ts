// What the browser's menu items do at a node: view, edit, create a child, delete, watch, go to a path.
import {
  BadVersionError,
  IllegalArgumentError,
  NoNodeError,
  NotEmptyError,
  validatePath,
  type CreateModeName,
  type ZooKeeperClient,
} from '../../client/index.js';
import { describeFailure } from '../cli-error.js';
import { statLines } from '../format.js';
import { WATCH_KIND_NAMES, type BrowserWatches, type BrowserWatchKind } from './browser-watches.js';
import type { MenuChoice, Prompter } from './prompter.js';
import { childPath } from './subtree.js';
import { asText, dataView, plural } from './znode-text.js';

export interface ActionContext {
  client: ZooKeeperClient;
  prompter: Prompter;
  print(lines: readonly string[]): void;
  watches: BrowserWatches;
  /** The node the menu is showing. */
  path: string;
}

/** Where the browser goes after an action: another node, and which menu item starts selected. */
export interface ActionOutcome {
  moveTo?: string;
  select?: string;
}

export function parentOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}

export async function viewData(ctx: ActionContext): Promise<ActionOutcome> {
  const { data, stat } = await ctx.client.getData(ctx.path);
  const view = dataView(data);
  const kind = { null: 'null', empty: 'empty', text: 'text', json: 'JSON', binary: 'binary, hex dump' }[view.kind];
  const lines = [`── ${ctx.path}: ${stat.dataLength} B, ${kind} ──`, ...view.lines];
  if (view.omittedBytes > 0) lines.push(`… ${view.omittedBytes} more bytes not shown`);
  ctx.print([...lines, '', ...statLines(stat)]);
  return {};
}

type EditForm = 'text' | 'escaped' | 'hex';

/** How data is put on one editable line: as it is, with \n and \\ escapes when it has line breaks, or as hex. */
function toLine(data: Buffer | null): { form: EditForm; line: string } {
  if (data === null) return { form: 'text', line: '' };
  const text = asText(data);
  if (text === null) return { form: 'hex', line: data.toString('hex') };
  if (/[\r\n]/.test(text)) return { form: 'escaped', line: text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r') };
  return { form: 'text', line: text };
}

function fromLine(form: EditForm, line: string): Buffer {
  if (form === 'hex') return Buffer.from(line.replace(/\s+/g, ''), 'hex');
  if (form === 'text') return Buffer.from(line, 'utf8');
  return Buffer.from(line.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c)), 'utf8');
}

const FORM_HINTS: Record<EditForm, string> = { text: '', escaped: ' (\\n for a line break)', hex: ' (hex)' };

export async function editData(ctx: ActionContext): Promise<ActionOutcome> {
  for (;;) {
    const { data, stat } = await ctx.client.getData(ctx.path);
    const { form, line } = toLine(data);
    const answer = await ctx.prompter.input(`New data for ${ctx.path}${FORM_HINTS[form]}:`, {
      initial: line,
      validate: (value) => (form !== 'hex' || /^(\s*[0-9a-fA-F]{2})*\s*$/.test(value) ? true : 'Hex digits, two per byte'),
    });
    if (answer === line) {
      // inquirer answers an emptied line with the text it started with, unless Backspace is pressed once more.
      ctx.print([line === '' ? `Unchanged: ${ctx.path}` : `Unchanged: ${ctx.path} (for empty data, empty the line and press Backspace once more)`]);
      return {};
    }
    const bytes = fromLine(form, answer);
    try {
      const after = await ctx.client.setData(ctx.path, bytes, stat.version);
      ctx.print([`Saved ${ctx.path}: ${bytes.length} B, dataVersion ${after.version}`]);
      return {};
    } catch (err) {
      if (!(err instanceof BadVersionError)) throw err;
      ctx.print([`${ctx.path} changed since it was read (dataVersion ${stat.version}); not saved.`]);
      if (!(await ctx.prompter.confirm('Reload it and edit again?', true))) return {};
    }
  }
}

const CREATE_MODES: readonly MenuChoice<CreateModeName>[] = [
  { name: 'persistent', value: 'PERSISTENT' },
  { name: 'ephemeral (ends with this session)', value: 'EPHEMERAL' },
  { name: 'persistent sequential', value: 'PERSISTENT_SEQUENTIAL' },
  { name: 'ephemeral sequential', value: 'EPHEMERAL_SEQUENTIAL' },
  { name: 'container', value: 'CONTAINER' },
  { name: 'persistent with TTL', value: 'PERSISTENT_WITH_TTL' },
  { name: 'persistent sequential with TTL', value: 'PERSISTENT_SEQUENTIAL_WITH_TTL' },
];

function validName(parent: string, name: string): true | string {
  if (name.length === 0) return 'A name is needed';
  if (name.includes('/')) return 'One node name, without /';
  try {
    validatePath(childPath(parent, name), true);
    return true;
  } catch (err) {
    return err instanceof IllegalArgumentError ? err.message : String(err);
  }
}

export async function createChild(ctx: ActionContext): Promise<ActionOutcome> {
  const name = await ctx.prompter.input(`Name of the new child of ${ctx.path}:`, { validate: (v) => validName(ctx.path, v) });
  const data = await ctx.prompter.input('Data (empty for none):');
  const mode = await ctx.prompter.select('Mode:', CREATE_MODES, 'PERSISTENT');
  let ttlMs = -1;
  if (mode.endsWith('_WITH_TTL')) {
    const ttl = await ctx.prompter.input('TTL in ms:', { validate: (v) => (/^[1-9]\d*$/.test(v) ? true : 'A positive whole number') });
    ttlMs = Number(ttl);
  }
  const created = await ctx.client.create(childPath(ctx.path, name), data === '' ? null : data, undefined, mode, ttlMs);
  ctx.print([`Created ${created}`]);
  return { select: `child:${created.slice(created.lastIndexOf('/') + 1)}` };
}

export async function deleteNode(ctx: ActionContext): Promise<ActionOutcome> {
  const stat = await ctx.client.exists(ctx.path);
  if (stat === null) throw new NoNodeError(ctx.path);
  if (stat.numChildren === 0) {
    if (!(await ctx.prompter.confirm(`Delete ${ctx.path}?`, false))) return {};
    try {
      await ctx.client.delete(ctx.path, stat.version);
    } catch (err) {
      if (err instanceof BadVersionError) {
        ctx.print([`${ctx.path} changed since it was read; not deleted. Refresh and try again.`]);
        return {};
      }
      if (err instanceof NotEmptyError) {
        ctx.print([`${ctx.path} has children now; not deleted. Refresh and try again.`]);
        return {};
      }
      throw err;
    }
  } else {
    const question = `${ctx.path} has ${plural(stat.numChildren, 'child', 'children')}. Delete it and everything below it?`;
    if (!(await ctx.prompter.confirm(question, false))) return {};
    await ctx.client.removeRecursive(ctx.path);
  }
  ctx.print([`Deleted ${ctx.path}`]);
  return { moveTo: parentOf(ctx.path) };
}

const WATCH_CHOICES: readonly MenuChoice<BrowserWatchKind | 'cancel'>[] = [
  { name: `Data changes, once (get -w)`, value: 'data' },
  { name: `Child changes, once (ls -w)`, value: 'children' },
  { name: 'Every change of this node (addWatch -m PERSISTENT)', value: 'persistent' },
  { name: 'Every change here and below (addWatch)', value: 'persistentRecursive' },
  { name: 'Cancel', value: 'cancel' },
];

export async function addWatch(ctx: ActionContext): Promise<ActionOutcome> {
  const kind = await ctx.prompter.select(`Watch ${ctx.path} for:`, WATCH_CHOICES, 'data');
  if (kind === 'cancel') return {};
  await ctx.watches.add(ctx.path, kind);
  ctx.print([`Watching ${ctx.path} (${WATCH_KIND_NAMES[kind]}); events print here as they arrive`]);
  return {};
}

export async function goToPath(ctx: ActionContext): Promise<ActionOutcome> {
  const target = await ctx.prompter.input('Go to path:', {
    initial: ctx.path,
    validate: (v) => {
      try {
        validatePath(v);
        return true;
      } catch (err) {
        return (err as Error).message;
      }
    },
  });
  if ((await ctx.client.exists(target)) === null) {
    ctx.print([describeFailure(new NoNodeError(target)).line]);
    return {};
  }
  return { moveTo: target };
}
