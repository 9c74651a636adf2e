// How the README walkthrough test reads the README: which lines are commands, which are their shown output, which
// commands start a server, how ports and /tmp paths move, and which printed output matches what is shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInterleaving, Localizer, outputLines, walkthroughBlocks } from '../../support/readme-walkthrough.js';

const README = [
  '# title',
  '```sh',
  'echo outside',
  '```',
  '## Walkthrough',
  'text',
  '```sh',
  '# a comment above a command is not output',
  'bin/zookeeper-server-start.sh templates/local/zk1.cfg',
  'bin/kafka-server-start.sh -daemon templates/local/server-1.properties',
  'bin/zkCli.sh -server 127.0.0.1:2181 \\',
  '  ls /',
  '# [zookeeper]',
  '#',
  '# second line',
  '',
  '# a comment after a blank line',
  'echo two',
  '```',
  '```text',
  'not run',
  '```',
  '```sh',
  'bin/kafka-server-start.sh templates/local/server-2.properties --override a=b',
  '```',
  '## Next',
  '```sh',
  'echo after',
  '```',
].join('\n');

test('sh blocks of the Walkthrough section only, commands with the output lines right under them', () => {
  const blocks = walkthroughBlocks(README);
  assert.deepEqual(blocks, [
    [
      { command: 'bin/zookeeper-server-start.sh templates/local/zk1.cfg', output: [], line: 9, foregroundServer: true },
      { command: 'bin/kafka-server-start.sh -daemon templates/local/server-1.properties', output: [], line: 10, foregroundServer: false },
      { command: 'bin/zkCli.sh -server 127.0.0.1:2181 ls /', output: ['[zookeeper]', '', 'second line'], line: 11, foregroundServer: false },
      { command: 'echo two', output: [], line: 18, foregroundServer: false },
    ],
    [{ command: 'bin/kafka-server-start.sh templates/local/server-2.properties --override a=b', output: [], line: 24, foregroundServer: true }],
  ]);
  assert.throws(() => walkthroughBlocks('# no walkthrough'), /no "## Walkthrough" section/);
});

test('the fixed ports and /tmp/ move; other numbers and paths stay', () => {
  const localizer = new Localizer('/x/y', new Map([[2181, 40001], [9092, 40002], [2888, 40004], [3888, 40003]]));
  assert.equal(
    localizer.apply('127.0.0.1:2181,127.0.0.1:21810 PLAINTEXT://127.0.0.1:9092 server.1=127.0.0.1:2888:3888 dataDir=/tmp/zookeeper/zk1 /var/tmp/a 1.2181'),
    '127.0.0.1:40001,127.0.0.1:21810 PLAINTEXT://127.0.0.1:40002 server.1=127.0.0.1:40004:40003 dataDir=/x/y/tmp/zookeeper/zk1 /var/tmp/a 1.2181',
  );
});

test('shown output is stdout and stderr interleaved, each in its own order', () => {
  assert.deepEqual(outputLines(''), []);
  assert.deepEqual(outputLines('a  \n\nb\n'), ['a', '', 'b']);
  const stdout = ['', 'GROUP', 'row'];
  const stderr = ['', 'no active members'];
  assert.ok(isInterleaving(['', 'no active members', '', 'GROUP', 'row'], stdout, stderr));
  assert.ok(isInterleaving(['', 'GROUP', 'row', '', 'no active members'], stdout, stderr));
  assert.ok(isInterleaving(['', '', 'GROUP', 'no active members', 'row'], stdout, stderr));
  assert.ok(!isInterleaving(['', 'no active members', '', 'row', 'GROUP'], stdout, stderr));
  assert.ok(!isInterleaving(['', 'GROUP', 'row'], stdout, stderr));
  assert.ok(!isInterleaving(['', 'GROUP', 'row', '', 'no active members', 'extra'], stdout, stderr));
  assert.ok(isInterleaving([], [], []));
  assert.ok(isInterleaving(['a'], [], ['a']));
});
