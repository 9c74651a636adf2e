// The browser's logic driven by a scripted prompter against our server; the terminal itself is exercised by
// test/integration/zkcli-browse.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectZooKeeper, type ZooKeeperClient } from '../../../src/zookeeper/client/index.js';
import { browseCommand } from '../../../src/zookeeper/shell/extras/browse-command.js';
import { ZNodeBrowser } from '../../../src/zookeeper/shell/extras/browser.js';
import { INTERRUPTED, isSeparator, PromptClosedError, type InputOptions, type MenuChoice, type MenuEntry, type Prompter } from '../../../src/zookeeper/shell/extras/prompter.js';
import { startOurZooKeeper, type OurZk } from '../../support/our-zk.js';
import { recordingContext, runLikeShell } from './extras-context.js';

/** One scripted answer; `before` runs while the prompt is showing (another client changing the tree). */
type Step =
  | { menu: string; before?: () => Promise<unknown> }
  | { menuUntilInterrupted: true; before: () => Promise<unknown> }
  | { input: string; before?: () => Promise<unknown> }
  | { select: string }
  | { confirm: boolean }
  | { close: true };

class ScriptedPrompter implements Prompter {
  readonly transcript: string[] = [];
  private interruptMenu: (() => void) | null = null;
  constructor(private readonly steps: Step[]) {}

  private next(kind: string): Step {
    const step = this.steps.shift();
    if (!step) throw new Error(`script ended before a ${kind} prompt`);
    if ('close' in step) throw new PromptClosedError('closed');
    return step;
  }

  async menu<T>(message: string, entries: readonly MenuEntry<T>[], options: { default?: T } = {}): Promise<T | typeof INTERRUPTED> {
    const choices = entries.filter((e): e is MenuChoice<T> => !isSeparator(e));
    const current = choices.find((c) => c.value === options.default)?.name ?? choices[0]!.name;
    const line = `menu ${message} (at ${current}): ${entries.map((e) => (isSeparator(e) ? `--${e.separator}` : e.name)).join(' | ')}`;
    this.transcript.push(line.replace(/ +/g, ' '));
    const step = this.next('menu');
    if ('menuUntilInterrupted' in step) {
      const interrupted = new Promise<void>((resolve) => (this.interruptMenu = resolve));
      await step.before();
      await interrupted;
      this.transcript.push('  interrupted');
      return INTERRUPTED;
    }
    if (!('menu' in step)) throw new Error(`expected ${JSON.stringify(step)}, got menu ${message}`);
    this.interruptMenu = null;
    await step.before?.();
    const choice = choices.find((c) => c.name.startsWith(step.menu));
    if (!choice) throw new Error(`no menu item ${step.menu} in ${message}`);
    this.transcript.push(`  > ${step.menu}`);
    return choice.value;
  }

  interrupt(): void {
    this.interruptMenu?.();
    this.interruptMenu = null;
  }

  async select<T>(message: string, choices: readonly MenuChoice<T>[]): Promise<T> {
    const step = this.next('select');
    if (!('select' in step)) throw new Error(`expected ${JSON.stringify(step)}, got select ${message}`);
    const choice = choices.find((c) => c.name.startsWith(step.select));
    if (!choice) throw new Error(`no choice ${step.select} in ${message}`);
    this.transcript.push(`select ${message} > ${step.select}`);
    return choice.value;
  }

  async input(message: string, options: InputOptions = {}): Promise<string> {
    const step = this.next('input');
    if (!('input' in step)) throw new Error(`expected ${JSON.stringify(step)}, got input ${message}`);
    await step.before?.();
    const valid = options.validate?.(step.input) ?? true;
    this.transcript.push(`input ${message} [${options.initial ?? ''}] > ${step.input}${valid === true ? '' : ` (invalid: ${valid})`}`);
    if (valid !== true) throw new Error(valid);
    return step.input;
  }

  async confirm(message: string, defaultValue: boolean): Promise<boolean> {
    const step = this.next('confirm');
    if (!('confirm' in step)) throw new Error(`expected ${JSON.stringify(step)}, got confirm ${message}`);
    this.transcript.push(`confirm ${message} (${defaultValue ? 'Y/n' : 'y/N'}) > ${step.confirm}`);
    return step.confirm;
  }
}

describe('ZNode browser (scripted prompts, our server)', () => {
  let zk: OurZk;
  let client: ZooKeeperClient;
  let other: ZooKeeperClient;

  before(async () => {
    zk = await startOurZooKeeper();
    client = await connectZooKeeper(zk.connectString, { waitForConnectedMs: 10_000 });
    other = await connectZooKeeper(zk.connectString, { waitForConnectedMs: 10_000 });
  });

  after(async () => {
    await client?.close();
    await other?.close();
    await zk?.stop();
  });

  async function browse(start: string, steps: Step[]) {
    const prompter = new ScriptedPrompter(steps);
    const printed: string[] = [];
    await new ZNodeBrowser(client, { prompter, print: (lines) => printed.push(...lines) }, start).run();
    assert.deepEqual(steps, [], 'every scripted step was used');
    return { transcript: prompter.transcript, printed };
  }

  test('descend, view, edit, create, delete, go up, quit', async () => {
    await client.create('/b', 'root data');
    await client.create('/b/cfg', '{"k":[1,2]}');
    await client.create('/b/cfg/x', null);
    await client.create('/b/bin', Buffer.from([0, 1, 2, 0xff]));
    const { transcript, printed } = await browse('/', [
      { menu: 'b/' },
      { menu: 'cfg/' },
      { menu: 'View data' },
      { menu: 'Edit data' },
      { input: '{"k":[3]}' },
      { menu: 'Create child' },
      { input: 'new' },
      { input: 'hello' },
      { select: 'persistent' },
      { menu: '..' },
      { menu: 'bin' },
      { menu: 'Edit data' },
      { input: '00 01 02' },
      { menu: 'Delete this node' },
      { confirm: true },
      { menu: 'cfg/' },
      { menu: 'Delete this node' },
      { confirm: false },
      { menu: 'Delete this node' },
      { confirm: true },
      { menu: 'Quit' },
    ]);
    assert.deepEqual(transcript, [
      'menu / [0 B, 2 children] (at b/ 9 B 2 children): b/ 9 B 2 children | zookeeper/ 0 B 2 children | --────────── | View data and stat | Edit data | Create child | Watch this node | Go to path | Refresh | Quit',
      '  > b/',
      'menu /b [9 B, 2 children] (at ..): .. | bin 4 B 0 children | cfg/ 11 B 1 child | --────────── | View data and stat | Edit data | Create child | Delete this node | Watch this node | Go to path | Refresh | Quit',
      '  > cfg/',
      'menu /b/cfg [11 B, 1 child] (at ..): .. | x 0 B 0 children | --────────── | View data and stat | Edit data | Create child | Delete this node | Watch this node | Go to path | Refresh | Quit',
      '  > View data',
      'menu /b/cfg [11 B, 1 child] (at View data and stat): .. | x 0 B 0 children | --────────── | View data and stat | Edit data | Create child | Delete this node | Watch this node | Go to path | Refresh | Quit',
      '  > Edit data',
      'input New data for /b/cfg: [{"k":[1,2]}] > {"k":[3]}',
      'menu /b/cfg [9 B, 1 child] (at Edit data): .. | x 0 B 0 children | --────────── | View data and stat | Edit data | Create child | Delete this node | Watch this node | Go to path | Refresh | Quit',
      '  > Create child',
      'input Name of the new child of /b/cfg: [] > new',
      'input Data (empty for none): [] > hello',
      'select Mode: > persistent',
      'menu /b/cfg [9 B, 2 children] (at new 5 B 0 children): .. | new 5 B 0 children | x 0 B 0 children | --────────── | View data and stat | Edit data | Create child | Delete this node | Watch this node | Go to path | Refresh | Quit',
      '  > ..',
      'menu /b [9 B, 2 children] (at cfg/ 9 B 2 children): .. | bin 4 B 0 children | cfg/ 9 B 2 children | --────────── | View data and stat | Edit data | Create child | Delete this node | Watch this node | Go to path | Refresh | Quit',
      '  > bin',
      'menu /b/bin [4 B, 0 children] (at ..): .. | --(no children) | --────────── | View data and stat | Edit data | Create child | Delete this node | Watch this node | Go to path | Refresh | Quit',
      '  > Edit data',
      'input New data for /b/bin (hex): [000102ff] > 00 01 02',
      'menu /b/bin [3 B, 0 children] (at Edit data): .. | --(no children) | --────────── | View data and stat | Edit data | Create child | Delete this node | Watch this node | Go to path | Refresh | Quit',
      '  > Delete this node',
      'confirm Delete /b/bin? (y/N) > true',
      'menu /b [9 B, 1 child] (at ..): .. | cfg/ 9 B 2 children | --────────── | View data and stat | Edit data | Create child | Delete this node | Watch this node | Go to path | Refresh | Quit',
      '  > cfg/',
      'menu /b/cfg [9 B, 2 children] (at ..): .. | new 5 B 0 children | x 0 B 0 children | --────────── | View data and stat | Edit data | Create child | Delete this node | Watch this node | Go to path | Refresh | Quit',
      '  > Delete this node',
      'confirm /b/cfg has 2 children. Delete it and everything below it? (y/N) > false',
      'menu /b/cfg [9 B, 2 children] (at Delete this node): .. | new 5 B 0 children | x 0 B 0 children | --────────── | View data and stat | Edit data | Create child | Delete this node | Watch this node | Go to path | Refresh | Quit',
      '  > Delete this node',
      'confirm /b/cfg has 2 children. Delete it and everything below it? (y/N) > true',
      'menu /b [9 B, 0 children] (at ..): .. | --(no children) | --────────── | View data and stat | Edit data | Create child | Delete this node | Watch this node | Go to path | Refresh | Quit',
      '  > Quit',
    ]);
    const stat = printed.slice(printed.indexOf('cZxid', 0));
    assert.deepEqual(printed.slice(0, 9), ['── /b/cfg: 11 B, JSON ──', '{', '  "k": [', '    1,', '    2', '  ]', '}', '', printed[8]]);
    assert.match(printed[8]!, /^cZxid = 0x[0-9a-f]+$/);
    assert.ok(printed.includes('dataVersion = 0') && printed.includes('numChildren = 1'), String(stat));
    assert.deepEqual(printed.slice(19), ['Saved /b/cfg: 9 B, dataVersion 1', 'Created /b/cfg/new', 'Saved /b/bin: 3 B, dataVersion 1', 'Deleted /b/bin', 'Deleted /b/cfg']);
    assert.deepEqual(await other.getChildren('/b'), []);
    assert.equal((await other.getData('/b')).data!.toString(), 'root data');
  });

  test('an edit that loses a race is not saved; reload and edit again', async () => {
    await client.create('/race', 'v0');
    const { printed, transcript } = await browse('/race', [
      { menu: 'Edit data' },
      { input: 'mine', before: () => other.setData('/race', 'theirs') },
      { confirm: true },
      { input: 'mine again' },
      { menu: 'Quit' },
    ]);
    assert.deepEqual(printed, ['/race changed since it was read (dataVersion 0); not saved.', 'Saved /race: 10 B, dataVersion 2']);
    assert.ok(transcript.includes('input New data for /race: [theirs] > mine again'), transcript.join('\n'));
    assert.equal((await other.getData('/race')).data!.toString(), 'mine again');
  });

  test('line breaks are edited as \\n escapes; an unchanged line saves nothing', async () => {
    await client.create('/lines', 'one\ntwo \\ three');
    const { printed, transcript } = await browse('/lines', [
      { menu: 'Edit data' },
      { input: 'one\\ntwo\\nthree' },
      { menu: 'Edit data' },
      { input: 'one\\ntwo\\nthree' },
      { menu: 'Quit' },
    ]);
    assert.ok(transcript.includes('input New data for /lines (\\n for a line break): [one\\ntwo \\\\ three] > one\\ntwo\\nthree'), transcript.join('\n'));
    assert.deepEqual(printed, [
      'Saved /lines: 13 B, dataVersion 1',
      'Unchanged: /lines (for empty data, empty the line and press Backspace once more)',
    ]);
    assert.equal((await other.getData('/lines')).data!.toString(), 'one\ntwo\nthree');
  });

  test('watch events print above the menu as they arrive; watches end with the browser', async () => {
    await client.create('/w', 'a');
    const { printed, transcript } = await browse('/w', [
      { menu: 'Watch this node' },
      { select: 'Every change here and below' },
      { menuUntilInterrupted: true, before: () => other.setData('/w', 'b') },
      { menuUntilInterrupted: true, before: () => other.create('/w/c', 'x') },
      { menu: 'Watch this node' },
      { select: 'Data changes, once' },
      { menuUntilInterrupted: true, before: () => other.setData('/w', 'c') },
      { menu: 'Quit' },
    ]);
    assert.deepEqual(printed, [
      'Watching /w (persistent recursive); events print here as they arrive',
      'WATCHER:: WatchedEvent state:SyncConnected type:NodeDataChanged path:/w',
      'WATCHER:: WatchedEvent state:SyncConnected type:NodeCreated path:/w/c',
      'Watching /w (data, once); events print here as they arrive',
      // Both watches see the change: the recursive one and the one-shot data watch.
      'WATCHER:: WatchedEvent state:SyncConnected type:NodeDataChanged path:/w',
      'WATCHER:: WatchedEvent state:SyncConnected type:NodeDataChanged path:/w',
    ]);
    assert.match(transcript.at(-2)!, /^menu \/w \[1 B, 1 child, watched: persistent recursive\]/);
    // The browser removed its watches (as Java's removeWatches does: locally, the server keeps its side until it
    // fires): a change now prints nothing.
    const printedBefore = printed.length;
    await other.setData('/w', 'd');
    await client.sync('/w');
    assert.equal(printed.length, printedBefore);
  });

  test('a node deleted meanwhile sends the browser to its parent; Ctrl-C leaves', async () => {
    await client.create('/gone', null);
    await client.create('/gone/child', null);
    const { printed } = await browse('/gone/child', [{ menu: 'Refresh', before: () => other.delete('/gone/child') }, { menu: 'Go to path' }, { input: '/nope' }, { close: true }]);
    assert.deepEqual(printed, ['/gone/child no longer exists', 'Node does not exist: /nope']);
  });

  test('browse needs a terminal (its start node is checked in test/integration/zkcli-browse.test.ts)', async () => {
    const noTty = recordingContext(client, { interactive: false });
    assert.equal(await runLikeShell(browseCommand, ['/'], noTty), 1);
    assert.equal(noTty.stderr(), 'browse needs a terminal: stdin and stdout must be a TTY\n');
    const usage = recordingContext(client, { interactive: true });
    assert.equal(await runLikeShell(browseCommand, ['/a', '/b'], usage), 1);
    assert.equal(usage.stderr(), 'browse [path]\n');
  });
});
