// Starts the project's ZooKeeper server the way a user does: `zkafka zookeeper-server-start zoo.cfg`, through the
// bin/zkafka launcher; under --cpu-prof, `node --cpu-prof bin/run.js …` in the environment the launcher gives node.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeStartEnv } from '../../src/cli/node-start-env.js';
import { freePort } from '../../test/support/ports.js';
import { launchServer, type BenchServer } from './server-process.js';

const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const HOST = '127.0.0.1';

export interface OurServerOptions {
  /** When set, the server runs under `node --cpu-prof` and writes its profile here on exit. */
  cpuProfDir?: string;
  /** The binary to start (another build's bin/run.js, started through the bin/zkafka beside it when there is one); this checkout's by default. */
  bin?: string;
}

/** The zoo.cfg both servers get, apart from paths and ports. */
export function benchZooCfg(dataDir: string, port: number): string {
  return [
    'tickTime=2000',
    `dataDir=${dataDir}`,
    `clientPort=${port}`,
    `clientPortAddress=${HOST}`,
    'maxClientCnxns=0',
    'admin.enableServer=false',
    '4lw.commands.whitelist=*',
    '',
  ].join('\n');
}

const PORT_ATTEMPTS = 3;

export async function startOurServer(opts: OurServerOptions = {}): Promise<BenchServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      // The free port can be taken between the probe and the server's bind.
      if (attempt >= PORT_ATTEMPTS || !/EADDRINUSE/.test((err as Error).message)) throw err;
    }
  }
}

async function startOnce(opts: OurServerOptions): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-bench-ours-'));
  const cfg = join(dir, 'zoo.cfg');
  const port = await freePort(HOST);
  writeFileSync(cfg, benchZooCfg(join(dir, 'data'), port));
  const runJs = opts.bin ?? BIN;
  const launcher = join(dirname(runJs), 'zkafka');
  const direct = opts.cpuProfDir !== undefined || basename(runJs) !== 'run.js' || !existsSync(launcher);
  const profArgs = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
  return launchServer({
    name: 'zkafka',
    command: direct ? process.execPath : launcher,
    args: [...(direct ? [...profArgs, runJs] : []), 'zookeeper-server-start', cfg],
    env: nodeStartEnv(),
    host: HOST,
    port,
    startTimeoutMs: 30_000,
    afterExit: () => rmSync(dir, { recursive: true, force: true }),
  });
}
