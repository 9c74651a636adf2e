// `zkafka quickstart`: a ZooKeeper ensemble and Kafka brokers on this machine, each node its own process, started
// from the files in templates/, waited for (leader elected, brokers registered), with the documentation's my-topic
// created; then it stays in the foreground until SIGINT/SIGTERM stops everything in order, or with `detach` leaves the
// nodes running. A second run on the same directory starts the same nodes on their data.
import { resolve } from 'node:path';
import type { SpawnedDaemon } from '../cli/daemon.js';
import type { KafkaZkClient } from '../kafka/zk/kafka-zk-client.js';
import { DEFAULT_LOCAL_CLUSTER, localLayout, nodeName, readLayout, writeLayout, zookeeperConnect, type ClusterLayout, type LocalClusterOptions } from './layout.js';
import { writeLocalConfigs } from './local-configs.js';
import { nextCommands, nodeTable, type NodeRow } from './next-steps.js';
import { runningPid, startNode, stopCluster, type ClusterNode, type StopReport } from './nodes.js';
import { takenPort } from './ports.js';
import { ProgressBoard } from './progress.js';
import { NodeFailedError, START_TIMEOUT_MS, waitForEnsemble, waitForZooKeeperProcesses } from './readiness.js';

export const FIRST_TOPIC = 'my-topic';

export interface QuickstartOptions extends Partial<Omit<LocalClusterOptions, 'dir'>> {
  dir: string;
  detach: boolean;
}

export interface QuickstartIo {
  out(text: string): void;
  err(text: string): void;
  colour: boolean;
  /** Resolves on the first SIGINT/SIGTERM (the caller installs the handlers). */
  signalled: Promise<NodeJS.Signals>;
  /** Whether a signal has arrived. */
  stopping(): boolean;
  /** Milliseconds since this process started (performance.now()). */
  now(): number;
}

class QuickstartError extends Error {}

/** The directory's own layout when it has one (its counts must then match any given), else one from the options. */
export function resolveLayout(opts: QuickstartOptions): { layout: ClusterLayout; reused: boolean } {
  const saved = readLayout(opts.dir);
  if (saved) {
    const clash = (given: number | undefined, has: number, what: string) =>
      given !== undefined && given !== has ? `${resolve(opts.dir)} holds a cluster of ${has} ${what}, not ${given}; use another --dir` : undefined;
    const problem = clash(opts.zookeepers, saved.zookeepers.length, 'ZooKeeper servers') ?? clash(opts.brokers, saved.brokers.length, 'brokers');
    if (problem) throw new QuickstartError(problem);
    return { layout: saved, reused: true };
  }
  const layout = localLayout({ ...DEFAULT_LOCAL_CLUSTER, ...definedOnly(opts), dir: opts.dir });
  if (layout.zookeepers.length < 1 || layout.brokers.length < 1) throw new QuickstartError('a cluster needs at least one ZooKeeper server and one broker');
  return { layout, reused: false };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function runQuickstart(opts: QuickstartOptions, io: QuickstartIo): Promise<number> {
  let layout: ClusterLayout;
  let reused: boolean;
  try {
    ({ layout, reused } = resolveLayout(opts));
  } catch (err) {
    io.err(`${(err as Error).message}\n`);
    return 1;
  }
  const nodes: ClusterNode[] = [...layout.zookeepers, ...layout.brokers];
  const running = nodes.flatMap((n) => {
    const pid = runningPid(n);
    return pid === undefined ? [] : [`${nodeName(n)} (process ${pid})`];
  });
  if (running.length > 0) {
    io.err(`a cluster from ${layout.dir} is already running: ${running.join(', ')}; stop it with: zkafka cluster stop --dir ${layout.dir}\n`);
    return 1;
  }
  const taken = await takenPort(layout);
  if (taken) {
    io.err(`port ${taken.port} on ${taken.host} (${taken.what}) is already in use: stop what uses it, or pick other ports (--zookeeper-port, --quorum-port, --election-port, --broker-port)\n`);
    return 1;
  }
  writeLayout(layout);
  writeLocalConfigs(layout);

  const processes = new Map<ClusterNode, SpawnedDaemon>();
  let kafkaZk: KafkaZkClient | undefined;
  let board: ProgressBoard | undefined;
  const stopAll = async (controllerId: number | null) => {
    board?.stop();
    const reports = await stopCluster(layout, controllerId, (r) => io.err(`${stopLine(r)}\n`));
    return reports.every((r) => r.clean);
  };
  const controller = async () => (kafkaZk ? await kafkaZk.getControllerId().catch(() => null) : null);

  const rows: NodeRow[] = [];
  const modes = new Map<number, string>();
  let topicCreated = false;
  const deadline = Date.now() + START_TIMEOUT_MS;
  const s = (elapsed: number) => `${(elapsed / 1000).toFixed(2)} s`;
  const trace = process.env['ZKAFKA_TRACE'] ? (what: string) => io.err(`[${s(io.now())}] ${what}\n`) : () => undefined;
  try {
    const aborted = io.signalled.then((sig) => {
      throw new QuickstartError(`${sig} while starting`);
    });
    aborted.catch(() => undefined);
    // The ZooKeeper servers first: brokers started with them take the processors the servers need to come up (on two
    // cores, the servers answered 0.2 s later and the cluster was ready no sooner). Started once the servers'
    // processes answer, the brokers load while the ensemble elects its leader, and their ZooKeeper clients, which
    // have no session yet, retry within 100 ms once it serves.
    trace('starting the ZooKeeper servers');
    for (const z of layout.zookeepers) processes.set(z, startNode(z));
    // What waits for the brokers loads meanwhile (the ZooKeeper client, the admin code).
    const kafkaSide = Promise.all([import('./kafka-readiness.js'), import('./topic.js')]);
    kafkaSide.catch(() => undefined);
    board = await ProgressBoard.create();
    board.note(`${reused ? 'Restarting' : 'Starting'} ${layout.zookeepers.length} ZooKeeper server(s) and ${layout.brokers.length} broker(s) in ${layout.dir}`);
    board.wait('waiting for a ZooKeeper leader', layout.zookeepers.map(nodeName));
    await Promise.race([aborted, waitForZooKeeperProcesses(layout, processes, deadline)]);
    trace('the ZooKeeper servers answer; starting the brokers');
    for (const b of layout.brokers) processes.set(b, startNode(b));
    const progress = board;
    await Promise.race([
      aborted,
      waitForEnsemble(layout, processes, (z, mode) => {
        modes.set(z.id, mode);
        progress.done(nodeName(z), `${nodeName(z)} ${z.host}:${z.clientPort} ${mode} (${s(io.now())})`);
      }, deadline),
    ]);
    const [{ connectKafkaZk, waitForBrokers, waitForTopic }, { ensureTopic }] = await kafkaSide;
    kafkaZk = await Promise.race([aborted, connectKafkaZk(zookeeperConnect(layout), Math.max(1000, deadline - Date.now()))]);
    progress.wait('waiting for brokers to register', layout.brokers.map(nodeName));
    await Promise.race([
      aborted,
      waitForBrokers(layout, kafkaZk, processes, (id) => {
        const b = layout.brokers.find((x) => x.id === id)!;
        progress.done(nodeName(b), `${nodeName(b)} ${b.host}:${b.port} registered (${s(io.now())})`);
      }, deadline),
    ]);
    const rf = Math.min(3, layout.brokers.length);
    progress.wait('creating the first topic', [FIRST_TOPIC]);
    topicCreated = await Promise.race([aborted, ensureTopic(kafkaZk, FIRST_TOPIC, rf)]);
    await Promise.race([aborted, waitForTopic(kafkaZk, FIRST_TOPIC, processes, deadline)]);
    progress.done(FIRST_TOPIC, `${FIRST_TOPIC} ${topicCreated ? 'created' : 'exists'}: replication factor ${rf}, every replica in sync (${s(io.now())})`);
    const controllerId = await controller();
    for (const z of layout.zookeepers) rows.push({ kind: 'zookeeper', id: z.id, address: `${z.host}:${z.clientPort}`, role: modes.get(z.id) ?? '?', pid: processes.get(z)?.pid });
    for (const b of layout.brokers) rows.push({ kind: 'kafka', id: b.id, address: `${b.host}:${b.port}`, role: b.id === controllerId ? 'controller' : 'broker', pid: processes.get(b)?.pid });
  } catch (err) {
    board?.stop();
    io.err(`${err instanceof NodeFailedError || err instanceof QuickstartError ? err.message : `cannot start the cluster: ${(err as Error).message}`}\n`);
    const controllerId = await controller();
    await kafkaZk?.zk.close().catch(() => undefined);
    io.err('stopping what was started\n');
    await stopAll(controllerId);
    return 1;
  }
  const readyIn = io.now();
  io.out(await nodeTable(rows, io.colour));
  io.out(`cluster ready in ${(readyIn / 1000).toFixed(2)} s; data and logs in ${layout.dir}\n\nTry:\n`);
  for (const line of nextCommands(layout, FIRST_TOPIC)) io.out(`  ${line}\n`);
  if (opts.detach) {
    await kafkaZk.zk.close().catch(() => undefined);
    io.out(`\nThe nodes keep running in the background (pid files in ${layout.dir}); stop them with: zkafka cluster stop --dir ${layout.dir}\n`);
    return 0;
  }
  io.out('\nCtrl-C stops the cluster (brokers first, then ZooKeeper).\n');
  for (const [node, d] of processes) {
    d.child.once('exit', (code, signal) => {
      if (!io.stopping()) io.err(`${nodeName(node)} (process ${d.pid}) exited (${signal ?? code})\n`);
    });
  }
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await io.signalled;
  clearInterval(keepAlive);
  const controllerId = await controller();
  await kafkaZk.zk.close().catch(() => undefined);
  return (await stopAll(controllerId)) ? 0 : 1;
}

export function stopLine(r: StopReport): string {
  return `${nodeName(r.node)} (process ${r.pid}) ${r.clean ? 'stopped' : 'did not stop in time and was killed'}`;
}
