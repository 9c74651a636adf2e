// README.md's Walkthrough, run as a reader types it: every command of its sh blocks in order, through bin/, in a
// temporary directory holding a copy of templates/ (and bin/ linked to the real one). Only what Localizer changes
// differs from the README: each fixed port becomes a free one and /tmp/ moves into the temporary directory. A
// server started in the foreground (a terminal of its own, in the README) runs in the background here, and the block
// after its own starts once it serves. Every other command must exit 0 and, where the README shows its output, print
// exactly that (stdout and stderr lines interleaved as a terminal may show them). The stop commands at the end must
// leave every server exited with status 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseStartedLine } from '../../src/cli/zookeeper-process.js';
import { runBash, startBash, type BashBackground, type BashRun } from '../support/bash.js';
import { STARTED as KAFKA_STARTED } from '../support/kafka-broker-process.js';
import { freePort } from '../support/ports.js';
import { FIXED_PORTS, isInterleaving, Localizer, outputLines as lines, walkthroughBlocks, type WalkthroughCommand } from '../support/readme-walkthrough.js';

const HOME = fileURLToPath(new URL('../../../', import.meta.url));
const COMMAND_TIMEOUT_MS = 120_000;
const SERVER_START_TIMEOUT_MS = 120_000;

/**
 * A server is ready once it serves: a broker has logged its started line; a ZooKeeper server of an ensemble has
 * joined a quorum (its started line only says it listens), a standalone one has started.
 */
function serving(output: string): boolean {
  return KAFKA_STARTED.test(output) || /^Serving clients as /m.test(output) || parseStartedLine(output)?.line.includes(' started, standalone,') === true;
}

async function untilServing(server: BashBackground): Promise<void> {
  const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
  while (!serving(server.output())) {
    if (!server.running()) throw new Error(`\`${server.command}\` exited before it started:\n${server.output()}`);
    if (Date.now() > deadline) throw new Error(`\`${server.command}\` did not start in ${SERVER_START_TIMEOUT_MS} ms:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

test('the README walkthrough, command by command through bin/', async (t) => {
  const blocks = walkthroughBlocks(readFileSync(join(HOME, 'README.md'), 'utf8'));
  const commands = blocks.flat();
  const find = (what: string, pattern: RegExp): WalkthroughCommand => {
    const found = commands.find((c) => pattern.test(c.command));
    assert.ok(found, `the walkthrough has no ${what} command`);
    return found;
  };
  // The tutorial's steps must all be there, whatever else the section holds.
  assert.equal(commands.filter((c) => c.foregroundServer && c.command.startsWith('bin/zookeeper-server-start.sh')).length, 3);
  assert.equal(commands.filter((c) => c.foregroundServer && c.command.startsWith('bin/kafka-server-start.sh')).length, 3);
  const create = find('topic creation', /^bin\/kafka-topics\.sh --create --zookeeper \S+ --replication-factor 3 --partitions 1 --topic my-topic$/);
  const produce = find('console-producer', /^(.+) \| bin\/kafka-console-producer\.sh .*--topic my-topic/);
  const consume = find('console-consumer', /^bin\/kafka-console-consumer\.sh --bootstrap-server \S+ --topic my-topic --from-beginning --max-messages \d+$/);
  find('zkCli.sh', /^bin\/zkCli\.sh /);

  const dir = mkdtempSync(join(tmpdir(), 'zkafka-readme-'));
  const servers: BashBackground[] = [];
  t.after(async () => {
    // Whatever is still running when a step failed.
    for (const server of servers) server.kill();
    await Promise.all(servers.map((s) => s.exit));
    rmSync(dir, { recursive: true, force: true });
  });
  const free = await distinctFreePorts(FIXED_PORTS.length);
  const localizer = new Localizer(dir, new Map(FIXED_PORTS.map((port, i) => [port, free[i]!])));
  localizer.prepare(HOME);

  const runs = new Map<WalkthroughCommand, BashRun>();
  for (const block of blocks) {
    const started: BashBackground[] = [];
    for (const step of block) {
      const command = localizer.apply(step.command);
      const where = `README.md:${step.line}: ${step.command}`;
      if (step.foregroundServer) {
        const server = startBash(command, { cwd: dir });
        servers.push(server);
        started.push(server);
        continue;
      }
      const run = await runBash(command, COMMAND_TIMEOUT_MS, { cwd: dir });
      assert.equal(run.code, 0, `${where}\nexited ${run.code}\n${run.stdout}${run.stderr}`);
      if (step.output.length > 0) {
        const shown = step.output.map((l) => localizer.apply(l).trimEnd());
        assert.ok(isInterleaving(shown, lines(run.stdout), lines(run.stderr)), `${where}\nshows\n${shown.join('\n')}\nbut printed\n${run.stdout}\non stderr\n${run.stderr}`);
      }
      runs.set(step, run);
    }
    await Promise.all(started.map(untilServing));
  }

  for (const server of servers) {
    assert.equal(await server.exit, 0, `\`${server.command}\` did not exit cleanly after the stop commands:\n${server.output().slice(-4000)}`);
  }
  assert.equal(runs.get(create)!.stdout, 'Created topic my-topic.\n');
  const produced = await runBash(localizer.apply(/^(.+?) \| bin\/kafka-console-producer\.sh /.exec(produce.command)![1]!), COMMAND_TIMEOUT_MS);
  assert.ok(lines(produced.stdout).length > 0);
  assert.deepEqual(lines(runs.get(consume)!.stdout), lines(produced.stdout), 'the consumer printed what the producer sent');
});
