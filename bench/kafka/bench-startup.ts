// Broker start-up and idle memory, each against its reference in the same run:
// - spawn of `bin/run.js kafka-server-start` until it answers ApiVersions with its /brokers/ids registration in
//   ZooKeeper, against spawning a bare Node.js TCP server until it answers one frame (target ≤ 3×);
// - the broker's RSS once idle, against 80 MiB.
// The ZooKeeper server runs in this process; the spawns alternate so machine noise falls on both sides.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiKey, encodeRequest } from '../../src/kafka/protocol/index.js';
import { connectZooKeeper } from '../../src/zookeeper/client/index.js';
import { freePort } from '../../test/support/ports.js';
import { startOurZooKeeper } from '../../test/support/our-zk.js';
import { rssBytes } from '../zk/proc-stats.js';
import { median } from '../zk/report.js';

const RUN_JS = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const MiB = 1024 * 1024;
const BARE_SERVER = `require('net').createServer((s) => s.on('data', () => s.write(Buffer.alloc(8)))).listen(+process.argv[1], '127.0.0.1')`;

/** Sends one frame to the port until something answers; resolves with ms since `t0`. */
function firstAnswer(port: number, frame: Buffer, t0: number, deadlineMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (performance.now() - t0 > deadlineMs) return reject(new Error(`nothing answered on ${port} within ${deadlineMs} ms`));
      const socket = connect(port, '127.0.0.1');
      socket.once('error', () => {
        socket.destroy();
        setTimeout(attempt, 2);
      });
      socket.once('connect', () => socket.write(frame));
      socket.once('data', () => {
        socket.destroy();
        resolve(performance.now() - t0);
      });
    };
    attempt();
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export interface StartupFigures {
  /** Spawn of kafka-server-start to answering ApiVersions and registered, per run. */
  brokerMs: number[];
  /** Spawn of a bare Node.js TCP server to its first answer, per run. */
  bareMs: number[];
  idleRssBytes: number;
}

export const STARTUP_TARGETS = { ratioMax: 3, idleRssMaxBytes: 80 * MiB };

export async function measureStartup(runs: number): Promise<StartupFigures> {
  const zk = await startOurZooKeeper();
  const zkc = await connectZooKeeper(zk.connectString);
  const root = mkdtempSync(path.join(tmpdir(), 'kafka-bench-startup-'));
  const apiVersions = Buffer.concat(encodeRequest({ apiKey: ApiKey.ApiVersions, apiVersion: 0, correlationId: 1, clientId: 'bench' }, {}));
  const broker: number[] = [];
  const bare: number[] = [];
  let idleRss = 0;
  try {
    for (let run = 0; run < runs; run++) {
      const port = await freePort();
      const t0 = performance.now();
      const child = spawn(process.execPath, ['-e', BARE_SERVER, String(port)], { stdio: 'ignore' });
      bare.push(await firstAnswer(port, apiVersions, t0, 10_000));
      await stop(child);

      const id = run + 1;
      const dir = path.join(root, `broker-${id}`);
      const config = path.join(root, `server-${id}.properties`);
      const brokerPort = await freePort();
      writeFileSync(config, [`broker.id=${id}`, `listeners=PLAINTEXT://127.0.0.1:${brokerPort}`, `log.dirs=${dir}`, `zookeeper.connect=${zk.connectString}/run${id}`, ''].join('\n'));
      const b0 = performance.now();
      const kafka = spawn(process.execPath, [RUN_JS, 'kafka-server-start', config], { stdio: 'ignore' });
      // Answering ApiVersions is not enough: the broker counts as started once it is registered too.
      await firstAnswer(brokerPort, apiVersions, b0, 30_000);
      while ((await zkc.exists(`/run${id}/brokers/ids/${id}`)) === null) await new Promise((r) => setTimeout(r, 1));
      broker.push(performance.now() - b0);
      if (run === runs - 1) {
        // Idle: a few seconds after start-up, once start-up garbage had its chance to be collected.
        await new Promise((r) => setTimeout(r, 5000));
        idleRss = rssBytes(kafka.pid!);
      }
      await stop(kafka);
    }
  } finally {
    await zkc.close();
    await zk.stop();
    rmSync(root, { recursive: true, force: true });
  }
  return { brokerMs: broker, bareMs: bare, idleRssBytes: idleRss };
}

/** The figures against their targets; `failed` counts the targets missed. */
export function formatStartup(f: StartupFigures): { text: string; failed: number } {
  const ratio = median(f.brokerMs) / median(f.bareMs);
  const ratioOk = ratio <= STARTUP_TARGETS.ratioMax;
  const rssOk = f.idleRssBytes <= STARTUP_TARGETS.idleRssMaxBytes;
  const text =
    `spawn to first answer, median of ${f.brokerMs.length} (alternating):\n` +
    `  kafka-server-start, ApiVersions answered and registered  ${median(f.brokerMs).toFixed(0)} ms (min ${Math.min(...f.brokerMs).toFixed(0)})\n` +
    `  bare Node.js TCP server answering one frame              ${median(f.bareMs).toFixed(0)} ms (min ${Math.min(...f.bareMs).toFixed(0)})\n` +
    `  ratio ${ratio.toFixed(2)}× (target ≤ ${STARTUP_TARGETS.ratioMax}×) ${ratioOk ? 'PASS' : 'FAIL'}\n` +
    `idle broker RSS ${(f.idleRssBytes / MiB).toFixed(1)} MiB (target ≤ ${STARTUP_TARGETS.idleRssMaxBytes / MiB} MiB) ${rssOk ? 'PASS' : 'FAIL'}\n`;
  return { text, failed: (ratioOk ? 0 : 1) + (rssOk ? 0 : 1) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(formatStartup(await measureStartup(Number(process.env['BENCH_RUNS'] ?? 7))).text);
}
