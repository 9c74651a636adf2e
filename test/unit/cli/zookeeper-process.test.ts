import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isZooKeeperServerArgv, parseStartedLine, startedLine } from '../../../src/cli/zookeeper-process.js';

test('the started line round-trips its address, IPv4 and IPv6', () => {
  const line = startedLine('standalone', { host: '0.0.0.0', port: 2181 }, '/tmp/zookeeper/version-2');
  assert.equal(line, 'zkafka ZooKeeper 3.8.0-compatible server started, standalone, listening on 0.0.0.0:2181, dataDir /tmp/zookeeper/version-2');
  assert.deepEqual(parseStartedLine(`log line\n${line}\nmore\n`), { line, address: { host: '0.0.0.0', port: 2181 } });
  const v6 = startedLine('standalone', { host: '::', port: 0 }, '/d');
  assert.deepEqual(parseStartedLine(v6)?.address, { host: '::', port: 0 });
  assert.equal(parseStartedLine('nothing yet'), undefined);
});

test('zkafka start processes are recognised by their argv', () => {
  assert.ok(isZooKeeperServerArgv(['/usr/bin/node', '/opt/zkafka/bin/run.js', 'zookeeper-server-start', 'zoo.cfg']));
  assert.ok(isZooKeeperServerArgv(['node', '/usr/local/bin/zkafka', 'zookeeper-server-start', '-daemon', 'zoo.cfg']));
  assert.ok(!isZooKeeperServerArgv(['node', 'bin/run.js', 'zookeeper-server-stop']));
  assert.ok(!isZooKeeperServerArgv(['vim', 'zookeeper-server-start']));
});
