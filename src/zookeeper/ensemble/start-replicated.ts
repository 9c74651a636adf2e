// Starts one member of a ZooKeeper ensemble from a zoo.cfg with server.N lines and dataDir/myid: load the newest
// snapshot into the tree (logged txns after it are applied once the ensemble says they are committed), read the
// epochs, listen for election connections and clients, and run the quorum peer.
import { join } from 'node:path';
import type { ZooKeeperConfig } from '../../config/zookeeper-config.js';
import type { QuorumServerSpec } from '../../config/zookeeper-servers.js';
import { MajorityQuorumVerifier } from '../quorum/quorum-verifier.js';
import type { Txn as QuorumTxn } from '../quorum/wire/zab-messages.js';
import { DEFAULT_ZAB_LIMITS, type DurableState } from '../quorum/zab/types.js';
import { recover } from '../storage/recovery.js';
import { SnapshotTrigger } from '../storage/snap-count.js';
import { writeSnapshot } from '../storage/snapshot.js';
import { maxTxnBytesFor } from '../storage/txn-log-reader.js';
import { TxnLog } from '../storage/txn-log.js';
import { DataNode } from '../tree/data-node.js';
import { encodeTxn } from '../tree/txn.js';
import { startContainerReaper } from '../server/container-reaper.js';
import { runFourLetterWord } from '../server/four-letter-words.js';
import { ZOOKEEPER_VERSION, listenForClients, snapshotSource, type RunningZooKeeperServer } from '../server/start.js';
import { ZooKeeperServer } from '../server/zookeeper-server.js';
import { existsSync } from 'node:fs';
import { configText } from '../quorum/quorum-config.js';
import { backupStaticConfig, readNextDynamicConfig, removeNextDynamicConfig, writeDynamicConfig, writeNextDynamicConfig } from './dynamic-config-file.js';
import { EnsembleMember, type MemberAddresses } from './ensemble-member.js';
import { readOnlyModeRequested } from './read-only-mode.js';
import { attachQuorumView } from '../server/four-letter-words/quorum-view.js';
import { ensembleQuorumView } from './quorum-gauges.js';
import { DEFAULT_SNAPSHOT_SIZE_FACTOR, logDiffReader } from './log-diff.js';
import { ACCEPTED_EPOCH_FILE, CURRENT_EPOCH_FILE, QuorumDisk, readEpochFile, readMyId } from './quorum-disk.js';

export interface ReplicatedStartOptions {
  log: (line: string) => void;
}

export interface RunningReplicatedServer extends RunningZooKeeperServer {
  member: EnsembleMember;
  myid: number;
}

/** QuorumMaj.toString(): what Apache sends as its config in notifications and NEWLEADER. */
export function quorumConfigText(servers: Map<number, QuorumServerSpec>, version = 0n): string {
  return configText({ servers, version });
}

export async function startReplicatedServer(config: ZooKeeperConfig, opts: ReplicatedStartOptions): Promise<RunningReplicatedServer> {
  const log = opts.log;
  const myid = readMyId(config.dataDir);
  const me = config.servers.get(myid);
  if (!me) throw new Error(`My id ${myid} not in the peer list`);
  const snapDir = join(config.dataDir, 'version-2');
  const logDir = join(config.dataLogDir, 'version-2');
  const startedMs = Date.now();

  let txnLog: TxnLog;
  const openLog = async () => {
    txnLog = await TxnLog.open(logDir, {
      preAllocSizeBytes: config.preAllocSizeKb * 1024,
      txnLogSizeLimitBytes: config.txnLogSizeLimitKb * 1024,
      forceSync: config.forceSync,
      fsyncWarningThresholdMs: config.fsyncWarningThresholdMs,
      log,
      onFsync: (elapsedMs) => server.metrics.summary('fsynctime').add(elapsedMs),
    });
  };
  await openLog();
  const snapTrigger = new SnapshotTrigger(config.snapCount, config.snapSizeLimitKb * 1024);
  let snapshotInFlight: Promise<unknown> | null = null;
  let member: EnsembleMember | null = null;
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
      serverId: myid,
      sessionlessCnxnTimeoutMs: Number(config.systemProperties['nio.sessionlessCnxnTimeout'] ?? 10_000) || 10_000,
    },
    // The txn log is written by the quorum's persist effects, never directly by the request pipeline.
    { append: () => { throw new Error('replicated servers log through the quorum'); }, flush: () => Promise.resolve() },
    {
      log,
      fourLetterWord: (word, conn, rest) => runFourLetterWord(word, conn, rest, context),
      onTouch: (s) => member?.touched(s.id, s.timeoutMs),
      revalidate: (id, timeoutMs, done) => (member ? member.revalidate(id, timeoutMs, done) : done(false)),
      onApplied: () => {
        if (!snapTrigger.onTxnLogged(txnLog.totalLogBytes)) return;
        snapTrigger.reset();
        txnLog.roll();
        txnLog.resetTotalLogBytes();
        if (snapshotInFlight) return log('Too busy to snap, skipping');
        snapshotInFlight = writeSnapshot(snapDir, snapshotSource(server), { background: true })
          .then((file) => log(`Snapshot written: ${file}`), (err: Error) => log(`Snapshot failed: ${err.message}`))
          .finally(() => (snapshotInFlight = null));
      },
    },
  );

  const maxTxnBytes = maxTxnBytesFor(config.juteMaxBufferBytes);
  const logged: QuorumTxn[] = [];
  const result = recover(snapDir, logDir, {
    onSnapshot(s) {
      server.tree.clear();
      for (const n of s.nodes) server.tree.loadNode(n.path, DataNode.fromPersisted(n.data, n.acl, n.stat));
      server.tree.lastProcessedZxid = s.zxid;
      server.tree.rebuildQuotas();
      for (const [id, timeoutMs] of s.sessions) server.sessions.add(id, timeoutMs, Date.now());
    },
    // Not applied here: the ensemble decides which of them are committed (an old leader's tail may be truncated).
    onTxn: (txn) => logged.push({ zxid: txn.hdr.zxid, data: encodeTxn(txn) }),
  }, log, { maxTxnBytes, maxSnapshotFieldBytes: maxTxnBytes });
  if (!result.snapshot) await writeSnapshot(snapDir, snapshotSource(server), { fsync: true });
  const snapshotZxid = result.snapshot?.zxid ?? 0n;
  const lastZxid = logged.length > 0 ? logged[logged.length - 1]!.zxid : snapshotZxid;
  const durable: DurableState = {
    acceptedEpoch: readEpochFile(snapDir, ACCEPTED_EPOCH_FILE, lastZxid),
    currentEpoch: readEpochFile(snapDir, CURRENT_EPOCH_FILE, lastZxid),
    snapshotZxid,
    log: logged,
  };
  if (durable.acceptedEpoch < durable.currentEpoch) throw new Error(`The accepted epoch, ${durable.acceptedEpoch} is less than the current epoch, ${durable.currentEpoch}`);
  log(`myid ${myid}: snapshot 0x${snapshotZxid.toString(16)}, ${logged.length} logged txns after it, last zxid 0x${lastZxid.toString(16)}, acceptedEpoch ${durable.acceptedEpoch}, currentEpoch ${durable.currentEpoch}`);
  server.startServing();
  server.createsLocalSessions = config.localSessionsEnabled;
  server.upgradesLocalSessions = config.localSessionsEnabled && config.localSessionsUpgradingEnabled;

  const addresses = new Map<bigint, MemberAddresses>();
  for (const s of config.servers.values()) {
    addresses.set(BigInt(s.id), { quorum: { host: s.host, port: s.quorumPort }, election: { host: s.host, port: s.electionPort } });
  }
  const verifier = new MajorityQuorumVerifier([...config.servers.values()].map((s) => ({ sid: BigInt(s.id), type: s.role })));
  const quorumConfig = { servers: config.servers, version: config.configVersion ?? 0n };
  const staticFile = existsSync(config.file) ? config.file : null;
  // QuorumPeerConfig.parse: with reconfig on and membership in zoo.cfg, the hand-written file is kept as zoo.cfg.bak.
  if (config.reconfigEnabled && staticFile && config.dynamicConfigFile === undefined) backupStaticConfig(staticFile);
  // QuorumPeerConfig.parse: with a dynamic config file, zoo.cfg.dynamic.next is the last config seen proposed.
  const lastSeenConfig = config.reconfigEnabled && staticFile && config.dynamicConfigFile !== undefined ? readNextDynamicConfig(staticFile) : null;
  if (lastSeenConfig) {
    log(`Last seen config 0x${lastSeenConfig.version.toString(16)} (${staticFile}.dynamic.next); active 0x${quorumConfig.version.toString(16)}`);
  }
  const disk = new QuorumDisk({ snapDir, logDir, txnLog: () => txnLog, reopenTxnLog: openLog, log });
  member = new EnsembleMember({
    mySid: BigInt(myid),
    verifier,
    addresses,
    limits: {
      ...DEFAULT_ZAB_LIMITS,
      initLimitTicks: config.initLimitTicks ?? 10,
      syncLimitTicks: config.syncLimitTicks ?? 5,
      // zookeeper.commitLogCount: how many committed txns the leader keeps to DIFF learners from.
      committedLogMax: positiveInt(config.systemProperties['commitLogCount']) ?? DEFAULT_ZAB_LIMITS.committedLogMax,
    },
    tickTimeMs: config.tickTimeMs,
    durable,
    appliedZxid: snapshotZxid,
    config: Buffer.from(quorumConfigText(config.servers, quorumConfig.version), 'utf8'),
    reconfig: config.reconfigEnabled
      ? {
          config: quorumConfig,
          standaloneEnabled: config.standaloneEnabled,
          ...(lastSeenConfig && lastSeenConfig.version > quorumConfig.version ? { lastSeenConfig } : {}),
          onConfig: (c, lastSeen) => {
            if (!staticFile) return;
            log(`Dynamic config written: ${writeDynamicConfig(staticFile, c, myid)}`);
            if (lastSeen) removeNextDynamicConfig(staticFile);
          },
          onNextConfig: (c) => {
            if (!staticFile) return;
            writeNextDynamicConfig(staticFile, c);
            log(`Next dynamic config written: ${staticFile}.dynamic.next (version 0x${c.version.toString(16)})`);
          },
        }
      : undefined,
    server,
    disk,
    // A proposal carries one txn; a SNAP body's fields are node data and paths.
    maxPacketBytes: maxTxnBytes + 1024,
    readOnlyModeEnabled: readOnlyModeRequested(config.readonlyModeEnabled),
    readLoggedTxns: logDiffReader({
      snapDir,
      logDir,
      snapshotSizeFactor: finiteNumber(config.systemProperties['snapshotSizeFactor']) ?? DEFAULT_SNAPSHOT_SIZE_FACTOR,
      maxTxnBytes,
      log,
    }),
    log,
  });
  attachQuorumView(server, ensembleQuorumView(member));

  const clientConfig: ZooKeeperConfig = {
    ...config,
    clientPort: config.clientPort ?? me.clientPort,
    clientPortAddress: config.clientPortAddress ?? me.clientHost,
  };
  const { listener, address } = await listenForClients(clientConfig, server, log);
  const context = { server, config: clientConfig, version: ZOOKEEPER_VERSION, startedMs, address, listener, snapDir, logDir };
  await member.start();
  const reaper = startContainerReaper(server, config.containerCheckIntervalMs, config.containerMaxPerMinute, config.containerMaxNeverUsedIntervalMs);

  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      listener.close();
      reaper.stop();
      await member!.stop();
      await server.shutdown();
      await snapshotInFlight;
      await txnLog.close();
      resolveClosed();
    })();
    return closing;
  };
  return { address, dataDir: snapDir, server, close, closed, member, myid };
}

function finiteNumber(text: string | undefined): number | undefined {
  const n = Number(text);
  return text !== undefined && text.trim() !== '' && Number.isFinite(n) ? n : undefined;
}

function positiveInt(text: string | undefined): number | undefined {
  const n = Number(text);
  return text !== undefined && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
