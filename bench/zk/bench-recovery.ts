// Start-up of our server on a data dir whose txn log holds --log-mib MiB (default 1024) of 1 MB setData txns:
// time from spawn to listening, and the server's peak RSS (VmHWM) once recovered. Recovery reads the log a
// window at a time, so the peak should stay near an idle server's whatever the log size.
//   npm run build && node dist/bench/zk/bench-recovery.js [--log-mib N] [--runs N]
import { cpSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OpCode } from '../../src/zookeeper/jute/constants.js';
import { appendSetDataLog, peakRssBytes } from '../../test/faults/big-log.js';
import { RawZkClient, createBody } from '../../test/faults/raw-client.js';
import { startServerProcess, tempDir, writeConfig } from '../../test/faults/server-process.js';

const MiB = 1024 * 1024;
const VALUE_BYTES = 1_000_000;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const n = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} needs a positive integer`);
  return n;
}

const logMiB = option('log-mib', 1024);
const runs = option('runs', 2);
const dir = tempDir('zk-bench-recovery-');
try {
  const dataDir = join(dir.path, 'data');
  const configFile = writeConfig(dir.path, { dataDir, clientPort: 0, clientPortAddress: '127.0.0.1' });
  const seeding = await startServerProcess(configFile);
  const client = await RawZkClient.connect(seeding.port);
  await client.request(OpCode.create, createBody('/big', Buffer.from('v0')));
  await client.closeSession();
  await seeding.stop();
  const file = await appendSetDataLog(join(dataDir, 'version-2'), '/big', Math.ceil((logMiB * MiB) / VALUE_BYTES), VALUE_BYTES);
  process.stdout.write(`log ${(statSync(file).size / MiB).toFixed(0)} MiB of ${VALUE_BYTES}-byte setData txns\n`);
  const pristine = join(dir.path, 'pristine');
  cpSync(dataDir, pristine, { recursive: true });
  for (let run = 1; run <= runs; run++) {
    rmSync(dataDir, { recursive: true, force: true });
    cpSync(pristine, dataDir, { recursive: true });
    const server = await startServerProcess(configFile, 600_000);
    const peak = peakRssBytes(server.pid);
    await server.stop();
    process.stdout.write(`run ${run}: start-up ${Math.round(server.startupMs)} ms, peak RSS ${(peak / MiB).toFixed(0)} MiB\n`);
  }
} finally {
  dir.remove();
}
