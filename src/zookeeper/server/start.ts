// Starts a standalone ZooKeeper server from a parsed zoo.cfg: recover the data dir, take a snapshot,
// open the txn log, listen on the client port.
import type { Server } from 'node:net';
import { join } from 'node:path';
import type { ZooKeeperConfig } from '../../config/zookeeper-config.js';
import { DataNode } from '../tree/data-node.js';
import type { Txn } from '../tree/txn.js';
import { recover } from '../storage/recovery.js';
import { SnapshotTrigger } from '../storage/snap-count.js';
import { maxTxnBytesFor } from '../storage/txn-log-reader.js';
import { writeSnapshot, type SnapshotSource } from '../storage/snapshot.js';
import { TxnLog } from '../storage/txn-log.js';
import { bindClientPort, type ClientPort } from './client-port.js';
import { ServerConnection } from './connection.js';
import { startContainerReaper } from './container-reaper.js';
import { runFourLetterWord } from './four-letter-words.js';
import { ZooKeeperServer } from './zookeeper-server.js';

export interface StartOptions {
  log: (line: string) => void;
  /** The client port when bound already (bindClientPort); it is closed if the start fails. */
  clientPort?: ClientPort;
}

export interface RunningZooKeeperServer {
  address: { host: string; port: number };
  dataDir: string;
  server: ZooKeeperServer;
  close(): Promise<void>;
  closed: Promise<void>;
}

export const ZOOKEEPER_VERSION = '3.8.0-zkafka, built on 2026-11-25 00:00 UTC';

/** The live tree as a snapshot source: nodes are read as the writer reaches them (a fuzzy snapshot). */
export function snapshotSource(server: ZooKeeperServer): SnapshotSource {
  const tree = server.tree;
  // Local sessions (and a read-only server's) live on this server only: never in a snapshot, nor sent to a learner.
  const sessions: [bigint, number][] = [...server.sessions.sessions.values()].filter((s) => !server.localSessions.has(s.id)).map((s) => [s.id, s.timeoutMs]);
  return { zxid: tree.lastProcessedZxid, sessions, nodes: () => tree.walk(), acls: () => tree.aclLists() };
}

/** zookeeper.jute.maxbuffer.extrasize, when zoo.cfg sets it to an integer. */
function juteExtraSizeBytes(config: ZooKeeperConfig): number | undefined {
  const n = Number(config.systemProperties['jute.maxbuffer.extrasize']);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

export async function startZooKeeperServer(config: ZooKeeperConfig, opts: StartOptions): Promise<RunningZooKeeperServer> {
  try {
    return await startOnPort(config, opts);
  } catch (err) {
    opts.clientPort?.close();
    throw err;
  }
}

async function startOnPort(config: ZooKeeperConfig, opts: StartOptions): Promise<RunningZooKeeperServer> {
  const log = opts.log;
  const snapDir = join(config.dataDir, 'version-2');
  const logDir = join(config.dataLogDir, 'version-2');
  const startedMs = Date.now();

  const txnLog = await TxnLog.open(logDir, {
    preAllocSizeBytes: config.preAllocSizeKb * 1024,
    txnLogSizeLimitBytes: config.txnLogSizeLimitKb * 1024,
    forceSync: config.forceSync,
    fsyncWarningThresholdMs: config.fsyncWarningThresholdMs,
    log,
    // Apache's names: `mntr` shows fsyncs (zk_cnt_fsynctime) and how many txns each group commit carried.
    onBatch: (txns) => server.metrics.summary('sync_processor_batch_size').add(txns),
    onFsync: (elapsedMs) => server.metrics.summary('fsynctime').add(elapsedMs),
  });
  const snapTrigger = new SnapshotTrigger(config.snapCount, config.snapSizeLimitKb * 1024);
  let snapshotInFlight: Promise<unknown> | null = null;
  const server: ZooKeeperServer = new ZooKeeperServer(
    {
      tickTimeMs: config.tickTimeMs,
      minSessionTimeoutMs: config.minSessionTimeoutMs,
      maxSessionTimeoutMs: config.maxSessionTimeoutMs,
      juteMaxBufferBytes: config.juteMaxBufferBytes,
      globalOutstandingLimit: config.globalOutstandingLimit,
      skipACL: config.skipACL,
      extendedTypesEnabled: config.extendedTypesEnabled,
      reconfigEnabled: config.reconfigEnabled,
      superDigest: config.superDigest,
      serverId: 1,
      sessionlessCnxnTimeoutMs: Number(config.systemProperties['nio.sessionlessCnxnTimeout'] ?? 10_000) || 10_000,
    },
    txnLog,
    {
      log,
      fourLetterWord: (word, conn, rest) => runFourLetterWord(word, conn, rest, context),
      onApplied: (txn: Txn) => {
        void txn;
        if (!snapTrigger.onTxnLogged(txnLog.totalLogBytes)) return;
        // ZKDatabase.rollLog: a new log file, and txn count and log size start again, even when no snapshot follows.
        snapTrigger.reset();
        txnLog.roll();
        txnLog.resetTotalLogBytes();
        if (snapshotInFlight) {
          log('Too busy to snap, skipping');
          return;
        }
        const src = snapshotSource(server);
        const snapStartedMs = performance.now();
        snapshotInFlight = writeSnapshot(snapDir, src, { background: true, busy: () => server.outstandingRequests > 0 })
          .then(
            (file) => {
              server.metrics.summary('snapshottime').add(Math.round(performance.now() - snapStartedMs));
              log(`Snapshot written: ${file}`);
            },
            (err: Error) => log(`Snapshot failed: ${err.message}`),
          )
          .finally(() => (snapshotInFlight = null));
      },
    },
  );

  const maxTxnBytes = maxTxnBytesFor(config.juteMaxBufferBytes, juteExtraSizeBytes(config));
  const result = recover(snapDir, logDir, {
    onSnapshot(s) {
      server.tree.clear();
      for (const n of s.nodes) server.tree.loadNode(n.path, DataNode.fromPersisted(n.data, n.acl, n.stat));
      server.tree.lastProcessedZxid = s.zxid;
      server.tree.rebuildQuotas();
      for (const [id, timeoutMs] of s.sessions) server.sessions.add(id, timeoutMs, Date.now());
    },
    onTxn: (txn) => server.replay(txn),
  }, log, { maxTxnBytes, maxSnapshotFieldBytes: maxTxnBytes });
  log(`Recovered ${result.snapshot ? `snapshot 0x${result.snapshot.zxid.toString(16)} and ` : ''}${result.txnsReplayed} txns, last zxid 0x${result.lastZxid.toString(16)}${result.truncatedBytes ? `, truncated ${result.truncatedBytes} bytes of a torn log tail` : ''}`);
  await writeSnapshot(snapDir, snapshotSource(server));
  server.startServing();

  const reaper = startContainerReaper(server, config.containerCheckIntervalMs, config.containerMaxPerMinute, config.containerMaxNeverUsedIntervalMs);
  // Loaded only when configured: fewer modules to load at every start.
  const purger = config.autopurgePurgeIntervalHours > 0
    ? (await import('../storage/purge.js')).startAutopurge(snapDir, logDir, config.autopurgeSnapRetainCount, config.autopurgePurgeIntervalHours, log)
    : null;

  const { listener, address } = await listenForClients(config, server, log, opts.clientPort);
  const context = { server, config, version: ZOOKEEPER_VERSION, startedMs, address, listener, snapDir, logDir };

  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      listener.close();
      reaper.stop();
      purger?.stop();
      await server.shutdown();
      await snapshotInFlight;
      await txnLog.close();
      resolveClosed();
    })();
    return closing;
  };
  return { address, dataDir: snapDir, server, close, closed };
}

/**
 * Serves the client port (bound here unless given): each accepted socket becomes a connection of `server`
 * (maxClientCnxns/maxCnxns apply).
 */
export async function listenForClients(config: ZooKeeperConfig, server: ZooKeeperServer, log: (line: string) => void, bound?: ClientPort): Promise<{ listener: Server; address: { host: string; port: number } }> {
  const clientPort = bound ?? (await bindClientPort(config));
  const perIp = new Map<string, number>();
  clientPort.serve((socket) => {
    const ip = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const count = (perIp.get(ip) ?? 0) + 1;
    if ((config.maxClientCnxns > 0 && count > config.maxClientCnxns) || (config.maxCnxns > 0 && server.connections.size >= config.maxCnxns)) {
      log(`Too many connections from /${ip} - max is ${config.maxClientCnxns}`);
      socket.destroy();
      return;
    }
    perIp.set(ip, count);
    socket.once('close', () => {
      const n = (perIp.get(ip) ?? 1) - 1;
      if (n <= 0) perIp.delete(ip);
      else perIp.set(ip, n);
    });
    server.addConnection(new ServerConnection(socket, server));
  });
  return { listener: clientPort.listener, address: clientPort.address };
}
