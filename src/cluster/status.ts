// `zkafka cluster status`: what the ensemble members say of themselves (`srvr`), which brokers are registered under
// /brokers/ids and answer on their endpoint, who the controller is, and which partitions (from
// /brokers/topics/<t>/partitions/<p>/state) are under-replicated or offline. The exit status says what is wrong.
import { connect as tcpConnect } from 'node:net';
import { parseConnectString } from '../zookeeper/client/index.js';
import type { KafkaZkClient } from '../kafka/zk/kafka-zk-client.js';
import { renderTable } from '../cli/text-table.js';
import { connectableHost } from '../cli/four-letter-word.js';
import { zookeeperConnect, type ClusterLayout } from './layout.js';
import { connectKafkaZk } from './kafka-readiness.js';
import { zooKeeperMode } from './readiness.js';

/** Added up into the exit status of `cluster status`. */
export const UNHEALTHY = {
  /** A ZooKeeper member does not answer or does not serve (including: no quorum). */
  zookeeperDown: 4,
  /** A broker is not registered, or does not accept connections on its registered endpoint. */
  brokerDown: 8,
  /** A partition has fewer live in-sync replicas than replicas. */
  underReplicated: 16,
  /** A partition has no leader, or its leader is down. */
  offline: 32,
} as const;

export interface StatusTarget {
  members: { id: number | undefined; host: string; port: number }[];
  connect: string;
  /** Brokers that should be there (a local cluster's layout); without it, the registered ones. */
  expectedBrokers?: { id: number; host: string; port: number }[];
}

export function targetOfLayout(layout: ClusterLayout): StatusTarget {
  return {
    members: layout.zookeepers.map((z) => ({ id: z.id, host: z.host, port: z.clientPort })),
    connect: zookeeperConnect(layout),
    expectedBrokers: layout.brokers.map((b) => ({ id: b.id, host: b.host, port: b.port })),
  };
}

export function targetOfConnect(connect: string): StatusTarget {
  const { hosts } = parseConnectString(connect);
  return { members: hosts.map((h) => ({ id: undefined, host: h.host, port: h.port })), connect };
}

export interface MemberStatus {
  id: number | undefined;
  address: string;
  mode: string | undefined;
}

export interface BrokerStatus {
  id: number;
  address: string;
  registered: boolean;
  reachable: boolean;
}

export interface PartitionProblem {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  problem: 'offline' | 'under-replicated';
}

export interface ClusterStatus {
  members: MemberStatus[];
  /** False when no session could be opened: nothing below was read. */
  quorum: boolean;
  brokers: BrokerStatus[];
  controller: number | null;
  topics: number;
  partitions: number;
  problems: PartitionProblem[];
}

function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: connectableHost(host || 'localhost'), port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function readStatus(target: StatusTarget, connectTimeoutMs = 5000): Promise<ClusterStatus> {
  const members = await Promise.all(
    target.members.map(async (m) => ({ id: m.id, address: `${m.host}:${m.port}`, mode: await zooKeeperMode({ host: m.host, clientPort: m.port }) })),
  );
  const status: ClusterStatus = { members, quorum: false, brokers: [], controller: null, topics: 0, partitions: 0, problems: [] };
  if (members.every((m) => m.mode === undefined)) return status;
  let kafkaZk: KafkaZkClient;
  try {
    kafkaZk = await connectKafkaZk(target.connect, connectTimeoutMs);
  } catch {
    return status;
  }
  try {
    status.quorum = true;
    await readKafka(kafkaZk, target, status);
  } finally {
    await kafkaZk.zk.close().catch(() => undefined);
  }
  return status;
}

async function readKafka(kafkaZk: KafkaZkClient, target: StatusTarget, status: ClusterStatus): Promise<void> {
  const registered = new Map((await kafkaZk.getAllBrokers()).map((b) => [b.registration.id, b.registration]));
  const ids = new Set([...registered.keys(), ...(target.expectedBrokers ?? []).map((b) => b.id)]);
  for (const id of [...ids].sort((a, b) => a - b)) {
    const endpoint = registered.get(id)?.endpoints[0];
    const expected = target.expectedBrokers?.find((b) => b.id === id);
    const host = endpoint?.host ?? expected?.host ?? '?';
    const port = endpoint?.port ?? expected?.port ?? 0;
    status.brokers.push({ id, address: `${host}:${port}`, registered: endpoint !== undefined, reachable: endpoint !== undefined && (await reachable(host, port)) });
  }
  const live = new Set(status.brokers.filter((b) => b.registered && b.reachable).map((b) => b.id));
  status.controller = await kafkaZk.getControllerId();
  const topics = (await kafkaZk.getAllTopics()).sort();
  status.topics = topics.length;
  for (const topic of topics) {
    const assignment = await kafkaZk.getTopicAssignment(topic);
    if (assignment === null) continue;
    for (const [partition, a] of [...assignment.partitions].sort((x, y) => x[0] - y[0])) {
      status.partitions++;
      const state = (await kafkaZk.getPartitionState(topic, partition))?.state;
      const leader = state?.leader ?? -1;
      const isr = state?.isr ?? [];
      const liveIsr = isr.filter((r) => live.has(r));
      const problem = leader < 0 || !live.has(leader) ? 'offline' : a.replicas.some((r) => !liveIsr.includes(r)) ? 'under-replicated' : undefined;
      if (problem) status.problems.push({ topic, partition, leader, replicas: [...a.replicas], isr: [...isr], problem });
    }
  }
}

/** The exit status: 0 when healthy, else the sum of the UNHEALTHY values that apply. */
export function healthCode(s: ClusterStatus): number {
  let code = 0;
  if (!s.quorum || s.members.some((m) => m.mode === undefined)) code |= UNHEALTHY.zookeeperDown;
  if (s.brokers.some((b) => !b.registered || !b.reachable)) code |= UNHEALTHY.brokerDown;
  if (s.problems.some((p) => p.problem === 'under-replicated')) code |= UNHEALTHY.underReplicated;
  if (s.problems.some((p) => p.problem === 'offline')) code |= UNHEALTHY.offline;
  return code;
}

export function healthText(code: number): string {
  if (code === 0) return 'healthy';
  const what: string[] = [];
  if (code & UNHEALTHY.zookeeperDown) what.push('a ZooKeeper member is down');
  if (code & UNHEALTHY.brokerDown) what.push('a broker is down');
  if (code & UNHEALTHY.underReplicated) what.push('partitions are under-replicated');
  if (code & UNHEALTHY.offline) what.push('partitions are offline');
  return `unhealthy: ${what.join(', ')}`;
}

export async function renderStatus(s: ClusterStatus, colour: boolean): Promise<string> {
  let out = 'ZooKeeper ensemble\n';
  out += await renderTable(['id', 'address', 'mode'], s.members.map((m) => [m.id === undefined ? '-' : String(m.id), m.address, m.mode ?? 'down']), colour);
  if (!s.quorum) return `${out}no ZooKeeper session could be opened: the ensemble has no quorum\n${healthText(healthCode(s))}\n`;
  out += '\nBrokers\n';
  out += await renderTable(
    ['id', 'address', 'state', 'role'],
    s.brokers.map((b) => [String(b.id), b.address, !b.registered ? 'not registered' : b.reachable ? 'up' : 'down', b.id === s.controller ? 'controller' : 'broker']),
    colour,
  );
  out += `controller: ${s.controller === null ? 'none' : `broker ${s.controller}`}\n`;
  out += `\nPartitions: ${s.topics} topic(s), ${s.partitions} partition(s)`;
  if (s.problems.length === 0) return `${out}, none under-replicated or offline\n${healthText(healthCode(s))}\n`;
  out += `, ${s.problems.length} under-replicated or offline\n`;
  out += await renderTable(
    ['topic', 'partition', 'leader', 'replicas', 'isr', 'problem'],
    s.problems.map((p) => [p.topic, String(p.partition), p.leader < 0 ? 'none' : String(p.leader), p.replicas.join(','), p.isr.join(','), p.problem]),
    colour,
  );
  return `${out}${healthText(healthCode(s))}\n`;
}
