// What a started cluster prints: a table of its nodes and the commands to try next.
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTable } from '../cli/text-table.js';
import { bootstrapServers, zookeeperConnect, type ClusterLayout } from './layout.js';

export interface NodeRow {
  kind: 'zookeeper' | 'kafka';
  id: number;
  address: string;
  role: string;
  pid: number | undefined;
}

export function nodeTable(rows: readonly NodeRow[], colour: boolean): Promise<string> {
  return renderTable(['kind', 'id', 'address', 'role', 'pid'], rows.map((r) => [r.kind, String(r.id), r.address, r.role, r.pid === undefined ? '-' : String(r.pid)]), colour);
}

/** bin/ as the user can type it: relative to the working directory when below it, else absolute. */
export function binDir(cwd = process.cwd()): string {
  const abs = fileURLToPath(new URL('../../../bin', import.meta.url));
  const rel = relative(cwd, abs);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith('/') ? rel : abs;
}

/** The cluster's directory as given on the command line would name it again. */
function shownDir(dir: string, cwd: string): string {
  const rel = relative(cwd, resolve(dir));
  return rel !== '' && !rel.startsWith('..') ? rel : resolve(dir);
}

export function nextCommands(layout: ClusterLayout, topic: string, cwd = process.cwd()): string[] {
  const bin = binDir(cwd);
  const first = layout.brokers[0];
  const bootstrap = first ? `${first.host}:${first.port}` : bootstrapServers(layout);
  const zk = layout.zookeepers[0]!;
  const dir = shownDir(layout.dir, cwd);
  return [
    `${bin}/kafka-console-producer.sh --bootstrap-server ${bootstrap} --topic ${topic}`,
    `${bin}/kafka-console-consumer.sh --bootstrap-server ${bootstrap} --topic ${topic} --from-beginning`,
    `${bin}/kafka-topics.sh --describe --zookeeper ${zookeeperConnect(layout)} --topic ${topic}`,
    `${bin}/zkCli.sh -server ${zk.host}:${zk.clientPort} ls /brokers/ids`,
    `${bin}/run.js cluster status --dir ${dir}`,
  ];
}
