// The interactive ZNode browser: at each node a menu of its children (data size and child count each) and of
// actions; watch events print above the menu as they arrive.
import { NoNodeError, type Stat, type ZooKeeperClient } from '../../client/index.js';
import { addWatch, createChild, deleteNode, editData, goToPath, parentOf, viewData, type ActionContext, type ActionOutcome } from './browser-actions.js';
import { BrowserWatches, WATCH_KIND_NAMES } from './browser-watches.js';
import { describeFailure } from '../cli-error.js';
import { INTERRUPTED, PromptClosedError, type MenuEntry, type Prompter } from './prompter.js';
import { childPath } from './subtree.js';
import { plural, sizeAndChildren } from './znode-text.js';

export interface BrowserIO {
  prompter: Prompter;
  print(lines: readonly string[]): void;
  /** Menu lines shown at once. */
  pageSize?: number;
}

/** Children listed with their stats; past this the menu says how many more there are ("Go to path" reaches them). */
export const MAX_LISTED_CHILDREN = 500;
const NAME_COLUMN_MAX = 40;

interface Listing {
  stat: Stat;
  children: { name: string; stat: Stat | null }[];
  unlisted: number;
}

const ACTIONS = {
  view: 'View data and stat',
  edit: 'Edit data',
  create: 'Create child',
  delete: 'Delete this node',
  watch: 'Watch this node',
  goto: 'Go to path',
  refresh: 'Refresh',
  quit: 'Quit',
} as const;
type ActionName = keyof typeof ACTIONS;

const RUN: Partial<Record<ActionName, (ctx: ActionContext) => Promise<ActionOutcome>>> = {
  view: viewData,
  edit: editData,
  create: createChild,
  delete: deleteNode,
  watch: addWatch,
  goto: goToPath,
};

export async function listNode(client: ZooKeeperClient, path: string, maxListed = MAX_LISTED_CHILDREN): Promise<Listing> {
  const { stat, children } = await client.getChildrenWithStat(path);
  const names = [...children].sort();
  const listed = names.slice(0, maxListed);
  // A child deleted between the two reads is still listed, with no stat.
  const stats = await Promise.all(listed.map((name) => client.exists(childPath(path, name))));
  return { stat, children: listed.map((name, i) => ({ name, stat: stats[i] ?? null })), unlisted: names.length - listed.length };
}

function childLine(name: string, stat: Stat | null, width: number): string {
  if (stat === null) return `${name.padEnd(width)}  (deleted)`;
  const shown = stat.numChildren > 0 ? `${name}/` : name;
  const ephemeral = stat.ephemeralOwner !== 0n ? '  ephemeral' : '';
  return `${shown.padEnd(width)}  ${`${stat.dataLength} B`.padStart(9)}  ${plural(stat.numChildren, 'child', 'children')}${ephemeral}`;
}

export class ZNodeBrowser {
  private path: string;
  private readonly watches: BrowserWatches;
  private selected: string | undefined;

  constructor(
    private readonly client: ZooKeeperClient,
    private readonly io: BrowserIO,
    startPath = '/',
  ) {
    this.path = startPath;
    this.watches = new BrowserWatches(client, () => io.prompter.interrupt());
  }

  /** Browses until Quit or Ctrl-C; the watches it set are removed on the way out. */
  async run(): Promise<void> {
    try {
      while (await this.step());
    } catch (err) {
      if (!(err instanceof PromptClosedError)) throw err;
    } finally {
      await this.watches.close();
    }
  }

  /** One menu at the current node and what was picked; false to leave. */
  private async step(): Promise<boolean> {
    let listing: Listing;
    try {
      listing = await listNode(this.client, this.path);
    } catch (err) {
      if (err instanceof NoNodeError && this.path !== '/') {
        this.io.print([`${this.path} no longer exists`]);
        this.select(parentOf(this.path), undefined);
        return true;
      }
      return this.failedListing(err);
    }
    // No await between printing the queued events and showing the menu: an event arriving later interrupts it.
    this.printEvents();
    const choice = await this.io.prompter.menu(this.header(listing), this.entries(listing), { default: this.selected, pageSize: this.io.pageSize });
    if (choice === INTERRUPTED) return true;
    this.selected = choice;
    if (choice.startsWith('child:')) {
      this.select(childPath(this.path, choice.slice('child:'.length)), undefined);
      return true;
    }
    if (choice === 'up') {
      this.select(parentOf(this.path), `child:${this.path.slice(this.path.lastIndexOf('/') + 1)}`);
      return true;
    }
    if (choice === 'quit') return false;
    const action = RUN[choice as ActionName];
    if (action === undefined) return true; // refresh
    try {
      const outcome = await action(this.actionContext());
      if (outcome.moveTo !== undefined) this.select(outcome.moveTo, outcome.select);
      else if (outcome.select !== undefined) this.selected = outcome.select;
    } catch (err) {
      if (err instanceof PromptClosedError) throw err;
      this.io.print([describeFailure(err).line]);
    }
    return true;
  }

  private select(path: string, item: string | undefined): void {
    this.path = path;
    this.selected = item;
  }

  private printEvents(): void {
    const events = this.watches.drain();
    if (events.length > 0) this.io.print(events);
  }

  /** The node cannot be listed (no permission, connection lost): say why and offer what still makes sense. */
  private async failedListing(err: unknown): Promise<boolean> {
    this.printEvents();
    this.io.print([describeFailure(err).line]);
    const entries: MenuEntry<string>[] = [{ name: 'Retry', value: 'refresh' }];
    if (this.path !== '/') entries.push({ name: `.. (up to ${parentOf(this.path)})`, value: 'up' });
    entries.push({ name: ACTIONS.goto, value: 'goto' }, { name: ACTIONS.quit, value: 'quit' });
    const choice = await this.io.prompter.menu(this.path, entries);
    if (choice === 'quit') return false;
    if (choice === 'up') this.select(parentOf(this.path), undefined);
    if (choice === 'goto') {
      try {
        const outcome = await goToPath(this.actionContext());
        if (outcome.moveTo !== undefined) this.select(outcome.moveTo, undefined);
      } catch (gotoErr) {
        if (gotoErr instanceof PromptClosedError) throw gotoErr;
        this.io.print([describeFailure(gotoErr).line]);
      }
    }
    return true;
  }

  private actionContext(): ActionContext {
    return { client: this.client, prompter: this.io.prompter, print: (lines) => this.io.print(lines), watches: this.watches, path: this.path };
  }

  private header(listing: Listing): string {
    const notes = [sizeAndChildren(listing.stat.dataLength, listing.stat.numChildren)];
    if (listing.stat.ephemeralOwner !== 0n) notes.push('ephemeral');
    const watched = this.watches.kindsOn(this.path);
    if (watched.length > 0) notes.push(`watched: ${watched.map((k) => WATCH_KIND_NAMES[k]).join(', ')}`);
    return `${this.path}  [${notes.join(', ')}]`;
  }

  private entries(listing: Listing): MenuEntry<string>[] {
    const entries: MenuEntry<string>[] = [];
    if (this.path !== '/') entries.push({ name: '..', value: 'up', description: `up to ${parentOf(this.path)}` });
    const width = Math.min(NAME_COLUMN_MAX, Math.max(8, ...listing.children.map((c) => c.name.length + 1)));
    for (const { name, stat } of listing.children) entries.push({ name: childLine(name, stat, width), value: `child:${name}` });
    if (listing.children.length === 0) entries.push({ separator: '(no children)' });
    if (listing.unlisted > 0) entries.push({ separator: `… ${listing.unlisted} more children (Go to path reaches them)` });
    entries.push({ separator: '──────────' });
    for (const [action, name] of Object.entries(ACTIONS) as [ActionName, string][]) {
      if (action === 'delete' && this.path === '/') continue;
      entries.push({ name, value: action });
    }
    return entries;
  }
}
