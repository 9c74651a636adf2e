// Replays every recorded Apache ZooKeeper 3.8.0 exchange against our server and compares the replies frame by frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { FIXTURES_DIR, FixtureReplay, loadFixture, summarise } from '../support/fixture-replay.js';
import { FIXTURE_SCRIPTS } from '../support/fixture-scripts.js';

const skip = existsSync(FIXTURES_DIR) ? undefined : `recordings not found at ${FIXTURES_DIR}`;
if (skip) console.log(`fixture-replay: skipped, ${skip}`);
const files = skip ? [] : readdirSync(FIXTURES_DIR).filter((f) => f.endsWith('.jsonl')).sort();

test('recorded Apache ZooKeeper exchanges replay against our server', { skip, concurrency: true, timeout: 55000 }, async (t) => {
  const runs = files.map((file) =>
    t.test(file, { timeout: 50000 }, async () => {
      const report = await new FixtureReplay(file, loadFixture(file), FIXTURE_SCRIPTS[file] ?? {}).run();
      const { matched, total, text } = summarise(report);
      console.log(text);
      assert.equal(matched, total, `${file}: ${total - matched} server frame(s) differ from the recording`);
      assert.ok(report.frames.every((f) => f.ok), `${file}: unexpected extra frames`);
      assert.ok(report.closes.every((c) => c.ok), `${file}: connection ends differ from the recording`);
    }),
  );
  await Promise.all(runs);
});
