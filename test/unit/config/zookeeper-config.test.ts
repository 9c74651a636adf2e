import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkDataDir,
  ConfigError,
  loadZooKeeperConfig,
  parseZooKeeperConfig,
} from '../../../src/config/zookeeper-config.js';

const templates = new URL('../../../../templates/', import.meta.url);

function errorOf(text: string, file = 'zoo.cfg'): string {
  try {
    parseZooKeeperConfig(text, file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

test('templates/zoo.cfg: the documented three-server ensemble', () => {
  const config = parseZooKeeperConfig(readFileSync(new URL('zoo.cfg', templates), 'utf8'), 'zoo.cfg');
  assert.equal(config.tickTimeMs, 2000);
  assert.equal(config.dataDir, '/tmp/zookeeper');
  assert.equal(config.dataLogDir, '/tmp/zookeeper');
  assert.equal(config.clientPort, 2181);
  assert.equal(config.initLimitTicks, 5);
  assert.equal(config.syncLimitTicks, 2);
  assert.equal(config.connectToLearnerMasterLimitTicks, 5);
  assert.equal(config.mode, 'replicated');
  assert.deepEqual([...config.servers.values()], [
    { id: 1, host: 'zk1', quorumPort: 2888, electionPort: 3888, role: 'participant' },
    { id: 2, host: 'zk2', quorumPort: 2888, electionPort: 3888, role: 'participant' },
    { id: 3, host: 'zk3', quorumPort: 2888, electionPort: 3888, role: 'participant' },
  ]);
  assert.deepEqual(config.warnings, []);
});

test('templates/local/zk{1,2,3}.cfg: a three-server ensemble on 127.0.0.1, distinct ports and dataDirs', () => {
  const configs = [1, 2, 3].map((i) => loadZooKeeperConfig(new URL(`local/zk${i}.cfg`, templates).pathname));
  for (const c of configs) {
    assert.equal(c.mode, 'replicated');
    assert.deepEqual(c.warnings, []);
    assert.deepEqual([...c.servers.values()], [
      { id: 1, host: '127.0.0.1', quorumPort: 2888, electionPort: 3888, role: 'participant' },
      { id: 2, host: '127.0.0.1', quorumPort: 2889, electionPort: 3889, role: 'participant' },
      { id: 3, host: '127.0.0.1', quorumPort: 2890, electionPort: 3890, role: 'participant' },
    ]);
  }
  assert.deepEqual(configs.map((c) => c.clientPort), [2181, 2182, 2183]);
  assert.deepEqual(configs.map((c) => c.dataDir), ['/tmp/zookeeper/zk1', '/tmp/zookeeper/zk2', '/tmp/zookeeper/zk3']);
});

test('templates/zoo-standalone.cfg: one server, every four-letter word, no admin server', () => {
  const config = loadZooKeeperConfig(new URL('zoo-standalone.cfg', templates).pathname);
  assert.equal(config.mode, 'standalone');
  assert.equal(config.clientPort, 2181);
  assert.equal(config.maxClientCnxns, 0);
  assert.equal(config.adminEnableServer, false);
  assert.equal(config.fourLetterWordWhitelist.size, 18);
  assert.ok(config.fourLetterWordWhitelist.has('ruok'));
  assert.ok(config.fourLetterWordWhitelist.has('mntr'));
  assert.deepEqual(config.systemProperties, { 'admin.enableServer': 'false', '4lw.commands.whitelist': '*' });
  assert.deepEqual(config.warnings, []);
});

test('ZooKeeper 3.8 defaults', () => {
  const config = parseZooKeeperConfig('dataDir=/d\nclientPort=2181\n', 'zoo.cfg');
  const { servers, fourLetterWordWhitelist, keyLines, ...rest } = config;
  assert.equal(servers.size, 0);
  assert.deepEqual([...fourLetterWordWhitelist], ['srvr']);
  assert.deepEqual([...keyLines!], [['dataDir', 1], ['clientPort', 2]]);
  assert.deepEqual(rest, {
    file: 'zoo.cfg',
    tickTimeMs: 3000,
    initLimitTicks: undefined,
    syncLimitTicks: undefined,
    connectToLearnerMasterLimitTicks: undefined,
    dataDir: '/d',
    dataLogDir: '/d',
    clientPort: 2181,
    clientPortAddress: undefined,
    secureClientPort: undefined,
    clientPortListenBacklog: -1,
    maxClientCnxns: 60,
    maxCnxns: 0,
    minSessionTimeoutMs: 6000,
    maxSessionTimeoutMs: 60000,
    autopurgeSnapRetainCount: 3,
    autopurgePurgeIntervalHours: 0,
    peerType: 'participant',
    standaloneEnabled: true,
    reconfigEnabled: false,
    globalOutstandingLimit: 1000,
    preAllocSizeKb: 65536,
    snapCount: 100000,
    snapSizeLimitKb: 4194304,
    txnLogSizeLimitKb: -1,
    forceSync: true,
    fsyncWarningThresholdMs: 1000,
    skipACL: false,
    extendedTypesEnabled: false,
    enforceQuota: false,
    juteMaxBufferBytes: 0xfffff,
    superDigest: undefined,
    containerCheckIntervalMs: 60000,
    containerMaxPerMinute: 10000,
    containerMaxNeverUsedIntervalMs: 0,
    readonlyModeEnabled: false,
    localSessionsEnabled: false,
    localSessionsUpgradingEnabled: false,
    digestEnabled: true,
    adminEnableServer: true,
    adminServerPort: 8080,
    adminServerAddress: '0.0.0.0',
    systemProperties: {},
    warnings: [],
    mode: 'standalone',
  });
});

test('system-property keys are read, not warned about', () => {
  const config = parseZooKeeperConfig(
    [
      'dataDir=/d', 'dataLogDir=/l', 'clientPort=0', 'tickTime=100', 'snapCount=50', 'preAllocSize=16',
      'globalOutstandingLimit=7', 'forceSync=no', 'skipACL=yes', 'extendedTypesEnabled=TRUE', 'enforceQuota=true',
      'jute.maxbuffer=0x400', 'DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=',
      'znode.container.checkIntervalMs=500', 'znode.container.maxPerMinute=9', 'znode.container.maxNeverUsedIntervalMs=1',
      'digest.enabled=false', 'readonlymode.enabled=true', 'admin.serverPort=9090', 'admin.serverAddress=127.0.0.1',
      'snapSizeLimitInKb=-1', 'txnLogSizeLimitInKb=2048', 'fsync.warningthresholdms=5', 'maxCnxns=3', 'minSessionTimeout=300', 'maxSessionTimeout=900',
      'ssl.keyStore.location=/k', '4lw.commands.whitelist=ruok, mntr',
    ].join('\n'),
    'zoo.cfg',
  );
  assert.deepEqual(config.warnings, []);
  assert.equal(config.dataLogDir, '/l');
  assert.equal(config.clientPort, 0);
  assert.equal(config.snapCount, 50);
  assert.equal(config.preAllocSizeKb, 16);
  assert.equal(config.globalOutstandingLimit, 7);
  assert.equal(config.forceSync, false);
  assert.equal(config.skipACL, true);
  assert.equal(config.extendedTypesEnabled, true);
  assert.equal(config.enforceQuota, true);
  assert.equal(config.juteMaxBufferBytes, 1024);
  assert.equal(config.superDigest, 'super:D/InIHSb7yEEbrWz8b9l71RjZJU=');
  assert.equal(config.containerCheckIntervalMs, 500);
  assert.equal(config.containerMaxPerMinute, 9);
  assert.equal(config.containerMaxNeverUsedIntervalMs, 1);
  assert.equal(config.digestEnabled, false);
  assert.equal(config.readonlyModeEnabled, true);
  assert.equal(config.adminServerPort, 9090);
  assert.equal(config.adminServerAddress, '127.0.0.1');
  assert.equal(config.snapSizeLimitKb, -1);
  assert.equal(config.txnLogSizeLimitKb, 2048);
  assert.equal(config.fsyncWarningThresholdMs, 5);
  assert.equal(config.maxCnxns, 3);
  assert.equal(config.minSessionTimeoutMs, 300);
  assert.equal(config.maxSessionTimeoutMs, 900);
  assert.deepEqual([...config.fourLetterWordWhitelist].sort(), ['isro', 'mntr', 'ruok', 'srvr']);
  assert.equal(config.systemProperties['snapCount'], '50');
  assert.equal(config.systemProperties['ssl.keyStore.location'], '/k');
  assert.equal(config.systemProperties['dataDir'], undefined);
});

test('an unknown key is one warning with its line, not an error', () => {
  const config = parseZooKeeperConfig('dataDir=/d\nclientPort=2181\nfrobnicate=1\n', 'conf/zoo.cfg');
  assert.deepEqual(config.warnings, ['conf/zoo.cfg:3: unknown key frobnicate (ignored)']);
  assert.equal(config.systemProperties['frobnicate'], '1');
});

test('an unknown four-letter word is a warning', () => {
  const config = parseZooKeeperConfig('dataDir=/d\nclientPort=1\n4lw.commands.whitelist=ruok,abcd\n', 'zoo.cfg');
  assert.deepEqual(config.warnings, ["zoo.cfg:3: 4lw.commands.whitelist: unknown four-letter word 'abcd' (ignored)"]);
  assert.deepEqual([...config.fourLetterWordWhitelist], ['ruok', 'srvr']);
});

test('exact error lines', () => {
  assert.equal(errorOf('dataDir=/d\nclientPort=2181\ntickTime=abc\n'), "zoo.cfg:3: tickTime: expected a positive integer, got 'abc'");
  assert.equal(errorOf('tickTime=2000\nclientPort=2181\n'), 'zoo.cfg: dataDir: expected a directory path, got nothing');
  assert.equal(errorOf('tickTime=2000\ndataDir=\n'), 'zoo.cfg:2: dataDir: expected a directory path, got nothing');
  assert.equal(errorOf('dataDir=/d\nclientPort=70000\n'), "zoo.cfg:2: clientPort: expected a port number (0-65535), got '70000'");
  assert.equal(errorOf('dataDir=/d\nclientPort=\n'), 'zoo.cfg:2: clientPort: expected a port number (0-65535), got nothing');
  assert.equal(errorOf('dataDir=/d\n'), 'zoo.cfg: clientPort: expected a port number (or secureClientPort), got nothing');
  assert.equal(errorOf('dataDir=/d\nclientPort=1\nstandaloneEnabled=yes\n'), "zoo.cfg:3: standaloneEnabled: expected 'true' or 'false', got 'yes'");
  assert.equal(errorOf('dataDir=/d\nclientPort=1\nforceSync=false\n'), "zoo.cfg:3: forceSync: expected 'yes' or 'no', got 'false'");
  assert.equal(errorOf('dataDir=/d\nclientPort=1\nsnapCount=1\n'), "zoo.cfg:3: snapCount: expected an integer >= 2, got '1'");
  assert.equal(errorOf('dataDir=/d\nclientPort=1\nmaxClientCnxns=-1\n'), "zoo.cfg:3: maxClientCnxns: expected a non-negative integer, got '-1'");
  assert.equal(errorOf('dataDir=/d\nclientPort=1\ntickTime=99999999999\n'), "zoo.cfg:3: tickTime: expected a positive integer, got '99999999999'");
  assert.equal(errorOf('dataDir=/d\nclientPort=1\npeerType=leader\n'), "zoo.cfg:3: peerType: expected 'participant' or 'observer', got 'leader'");
  assert.equal(errorOf('dataDir=/d\nclientPort=1\nelectionAlg=1\n'), "zoo.cfg:3: electionAlg: expected 3 (the only election algorithm), got '1'");
  assert.equal(
    errorOf('dataDir=/d\nclientPortAddress=127.0.0.1\n'),
    "zoo.cfg:2: clientPortAddress: expected clientPort to be set as well, got no clientPort",
  );
  assert.equal(errorOf('dataDir=/d\nclientPort=1\nb=\\u12\n'), "zoo.cfg:3: malformed \\uxxxx escape '\\u12'");
});

test('minSessionTimeout above maxSessionTimeout names both', () => {
  assert.equal(
    errorOf('tickTime=2000\ndataDir=/d\nclientPort=1\nminSessionTimeout=50000\n'),
    'zoo.cfg:4: minSessionTimeout: expected minSessionTimeout <= maxSessionTimeout, got minSessionTimeout 50000 > maxSessionTimeout 40000',
  );
  assert.equal(
    errorOf('dataDir=/d\nclientPort=1\nmaxSessionTimeout=1000\n'),
    'zoo.cfg:3: maxSessionTimeout: expected minSessionTimeout <= maxSessionTimeout, got minSessionTimeout 6000 > maxSessionTimeout 1000',
  );
});

test('server.N lines', () => {
  const config = parseZooKeeperConfig(
    'dataDir=/d\ninitLimit=5\nsyncLimit=2\nserver.3=[::1]:2890:3890:observer;127.0.0.1:2183\nserver.1=a:2888:3888:PARTICIPANT;2181\nserver.2=b:2889:3889\n',
    'zoo.cfg',
  );
  assert.equal(config.mode, 'replicated');
  assert.deepEqual([...config.servers.keys()], [1, 2, 3]);
  assert.deepEqual(config.servers.get(1), { id: 1, host: 'a', quorumPort: 2888, electionPort: 3888, role: 'participant', clientPort: 2181 });
  assert.deepEqual(config.servers.get(3), {
    id: 3, host: '::1', quorumPort: 2890, electionPort: 3890, role: 'observer', clientHost: '127.0.0.1', clientPort: 2183,
  });
  const format = 'host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]';
  assert.equal(errorOf('dataDir=/d\nserver.1=zk1:2888\n'), `zoo.cfg:2: server.1: expected ${format}, got 'zk1:2888'`);
  assert.equal(errorOf('dataDir=/d\nserver.x=zk1:2888:3888\n'), "zoo.cfg:2: server.x: expected server.N with N a non-negative integer server id, got 'server.x'");
  assert.equal(errorOf('dataDir=/d\nserver.1=zk1:2888:2888\n'), "zoo.cfg:2: server.1: expected different quorum and election ports, got 'zk1:2888:2888'");
  assert.equal(errorOf('dataDir=/d\nserver.1=zk1:2888:3888:boss\n'), `zoo.cfg:2: server.1: expected a role 'participant' or 'observer' in ${format}, got 'zk1:2888:3888:boss'`);
  assert.equal(errorOf('dataDir=/d\nserver.1=zk1:2888:3888;a:b:c\n'), `zoo.cfg:2: server.1: expected ${format}, got 'zk1:2888:3888;a:b:c'`);
  assert.equal(errorOf('dataDir=/d\nserver.1=zk1:2888:99999\n'), `zoo.cfg:2: server.1: expected ${format}, got 'zk1:2888:99999'`);
});

test('replicated mode needs initLimit and syncLimit; one participant is standalone and takes its client port', () => {
  assert.equal(
    errorOf('dataDir=/d\nsyncLimit=2\nserver.1=a:1:2\nserver.2=b:1:2\n'),
    'zoo.cfg: initLimit: expected a positive number of ticks (required with several servers), got nothing',
  );
  const single = parseZooKeeperConfig('dataDir=/d\nserver.1=a:2888:3888;127.0.0.1:2999\n', 'zoo.cfg');
  assert.equal(single.mode, 'standalone');
  assert.equal(single.clientPort, 2999);
  assert.equal(single.clientPortAddress, '127.0.0.1');
  const forced = parseZooKeeperConfig('dataDir=/d\nclientPort=1\ninitLimit=1\nsyncLimit=1\nstandaloneEnabled=false\nserver.1=a:2888:3888\n', 'zoo.cfg');
  assert.equal(forced.mode, 'replicated');
  const withObserver = parseZooKeeperConfig('dataDir=/d\nclientPort=1\nserver.1=a:2888:3888\nserver.2=b:2888:3888:observer\n', 'zoo.cfg');
  assert.equal(withObserver.mode, 'standalone');
});

test('a missing file', () => {
  assert.throws(() => loadZooKeeperConfig('/nonexistent/zoo.cfg'), {
    name: 'ConfigError',
    message: '/nonexistent/zoo.cfg: cannot read config file: ENOENT',
  });
});

test('checkDataDir creates dataDir and dataLogDir, and names the key it cannot use', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = parseZooKeeperConfig(`clientPort=1\ndataDir=${dir}/a/b\ndataLogDir=${dir}/logs\n`, 'zoo.cfg');
  checkDataDir(config);
  assert.ok(statSync(join(dir, 'a/b')).isDirectory());
  assert.ok(statSync(join(dir, 'logs')).isDirectory());
  writeFileSync(join(dir, 'file'), '');
  const blocked = parseZooKeeperConfig(`clientPort=1\ndataDir=${dir}/file/sub\n`, 'zoo.cfg');
  assert.throws(() => checkDataDir(blocked), {
    name: 'ConfigError',
    message: `zoo.cfg:2: dataDir: expected a writable directory, got '${dir}/file/sub' (ENOTDIR)`,
  });
  if (process.getuid?.() !== 0) {
    chmodSync(join(dir, 'logs'), 0o500);
    assert.throws(() => checkDataDir(config), { message: `zoo.cfg:3: dataLogDir: expected a writable directory, got '${dir}/logs' (EACCES)` });
  }
});
