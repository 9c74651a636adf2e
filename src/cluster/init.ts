// `zkafka init`: the files of a cluster on real hosts, laid out as the documentation does (ZooKeeper on zk1..zkN,
// brokers on k1..kN): every ZooKeeper host gets the same zoo.cfg (clientPort 2181, server.N=zkN:2888:3888) and its own
// myid, every broker host a server.properties with its broker.id and zookeeper.connect naming the whole ensemble. One
// directory per host, to be copied there.
import { join, resolve } from 'node:path';
import { myidText, readTemplate, renderConfig, writeText } from './config-files.js';
import { range } from './layout.js';

export interface InitOptions {
  dir: string;
  zookeepers: number;
  brokers: number;
  hostPrefix: string;
  kafkaHostPrefix: string;
}

export const ZOOKEEPER_CLIENT_PORT = 2181;
export const ZOOKEEPER_QUORUM_PORT = 2888;
export const ZOOKEEPER_ELECTION_PORT = 3888;

export interface InitFile {
  host: string;
  path: string;
  text: string;
  /** Where it goes on its host. */
  destination: string;
}

/** The files `init` writes, in order (nothing is written). */
export function initFiles(opts: InitOptions): InitFile[] {
  const dir = resolve(opts.dir);
  const zkHosts = range(opts.zookeepers).map((i) => `${opts.hostPrefix}${i}`);
  const servers = zkHosts.map((host, i) => ({ id: i + 1, host, quorumPort: ZOOKEEPER_QUORUM_PORT, electionPort: ZOOKEEPER_ELECTION_PORT }));
  const zooTemplate = readTemplate('zoo.cfg');
  const dataDir = /^dataDir=(.*)$/m.exec(zooTemplate)?.[1] ?? '/tmp/zookeeper';
  const zooCfg = renderConfig(zooTemplate, [['clientPort', String(ZOOKEEPER_CLIENT_PORT)]], servers);
  const files: InitFile[] = [];
  for (const [i, host] of zkHosts.entries()) {
    files.push({ host, path: join(dir, host, 'zoo.cfg'), text: zooCfg, destination: '/path/to/zoo.cfg' });
    files.push({ host, path: join(dir, host, 'myid'), text: myidText(i + 1), destination: `${dataDir}/myid` });
  }
  const connect = zkHosts.map((h) => `${h}:${ZOOKEEPER_CLIENT_PORT}`).join(',');
  const serverTemplate = readTemplate('server.properties');
  for (const id of range(opts.brokers)) {
    const host = `${opts.kafkaHostPrefix}${id}`;
    const text = renderConfig(serverTemplate, [['broker.id', String(id)], ['zookeeper.connect', connect]]);
    files.push({ host, path: join(dir, host, 'server.properties'), text, destination: '/path/to/server.properties' });
  }
  return files;
}

/** Writes the files and returns what to print: each file, then how to start each host. */
export function runInit(opts: InitOptions): string[] {
  const files = initFiles(opts);
  for (const f of files) writeText(f.path, f.text);
  const lines = files.map((f) => `wrote ${f.path}  (on ${f.host}: ${f.destination})`);
  lines.push('');
  lines.push('Then, on each ZooKeeper host (after copying its myid into the dataDir):');
  lines.push('  bin/zookeeper-server-start.sh /path/to/zoo.cfg');
  lines.push('and on each Kafka host:');
  lines.push('  bin/kafka-server-start.sh /path/to/server.properties');
  const connect = range(opts.zookeepers).map((i) => `${opts.hostPrefix}${i}:${ZOOKEEPER_CLIENT_PORT}`).join(',');
  lines.push('and once they run:');
  lines.push(`  bin/kafka-topics.sh --create --zookeeper ${connect} --replication-factor ${Math.min(3, opts.brokers)} --partitions 1 --topic my-topic`);
  return lines;
}
