import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderConfig } from '../../../src/cluster/config-files.js';
import { localLayout } from '../../../src/cluster/layout.js';
import { healthCode, healthText, type ClusterStatus } from '../../../src/cluster/status.js';

test('renderConfig sets keys in place, appends missing ones, replaces the server.N block', () => {
  const template = '# comment\ntickTime=2000\ndataDir=/tmp/zookeeper\nserver.1=zk1:2888:3888\nserver.2=zk2:2888:3888\n# tail\n';
  const out = renderConfig(template, [['dataDir', '/data'], ['clientPort', '2181']], [{ id: 7, host: 'a', quorumPort: 1, electionPort: 2 }]);
  assert.equal(out, '# comment\ntickTime=2000\ndataDir=/data\nserver.7=a:1:2\n# tail\nclientPort=2181\n');
  assert.equal(renderConfig('a=1\n', []), 'a=1\n');
});

test('localLayout numbers ports from each base', () => {
  const layout = localLayout({ dir: '/c', zookeepers: 2, brokers: 3, host: '127.0.0.1', zookeeperPort: 100, quorumPort: 200, electionPort: 300, brokerPort: 400 });
  assert.deepEqual(layout.zookeepers.map((z) => [z.id, z.clientPort, z.quorumPort, z.electionPort, z.dataDir]), [[1, 100, 200, 300, '/c/zk1/data'], [2, 101, 201, 301, '/c/zk2/data']]);
  assert.deepEqual(layout.brokers.map((b) => [b.id, b.port, b.logDir]), [[1, 400, '/c/kafka1/data'], [2, 401, '/c/kafka2/data'], [3, 402, '/c/kafka3/data']]);
});

function status(over: Partial<ClusterStatus>): ClusterStatus {
  return {
    members: [{ id: 1, address: 'a:1', mode: 'leader' }],
    quorum: true,
    brokers: [{ id: 1, address: 'b:1', registered: true, reachable: true }],
    controller: 1,
    topics: 1,
    partitions: 1,
    problems: [],
    ...over,
  };
}

test('healthCode adds up what is wrong', () => {
  assert.equal(healthCode(status({})), 0);
  assert.equal(healthText(0), 'healthy');
  assert.equal(healthCode(status({ members: [{ id: 1, address: 'a:1', mode: undefined }, { id: 2, address: 'a:2', mode: 'leader' }] })), 4);
  assert.equal(healthCode(status({ quorum: false })), 4);
  assert.equal(healthCode(status({ brokers: [{ id: 1, address: 'b:1', registered: true, reachable: false }] })), 8);
  const under = { topic: 't', partition: 0, leader: 1, replicas: [1, 2], isr: [1], problem: 'under-replicated' as const };
  const offline = { ...under, partition: 1, leader: -1, problem: 'offline' as const };
  assert.equal(healthCode(status({ problems: [under] })), 16);
  assert.equal(healthCode(status({ problems: [under, offline] })), 48);
  assert.equal(healthText(60), 'unhealthy: a ZooKeeper member is down, a broker is down, partitions are under-replicated, partitions are offline');
});
