// The raw references of the replication benchmark, as processes: a storing raw server alone (what a minimal Node
// server takes to hold each byte once, as replication factor 1 does) and a storing raw server that sends every payload
// on to two storing raw followers and answers once both have stored it (three times, as replication factor 3 with
// acks=all does). Their files live in `dir` and are emptied between rounds.
import { truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { RawServerConfig } from './raw-server.js';
import { startRawFollower, startRawServer, type RawServerProcess } from './raw-server-process.js';

export interface RawReplication {
  /** The storing raw server alone. */
  single: RawServerProcess;
  /** The replicating raw server, then its two followers. */
  replicated: RawServerProcess[];
  /** Empties every file, its pages dropped unwritten: nothing is left for the kernel to write back in later rounds. */
  truncate(): void;
  stop(): Promise<void>;
}

export async function startRawReplication(dir: string, config: Omit<RawServerConfig, 'appendFile' | 'replicateTo'>): Promise<RawReplication> {
  const files = ['raw-single', 'raw-leader', 'raw-follower-1', 'raw-follower-2'].map((n) => join(dir, `${n}.bin`));
  const started: RawServerProcess[] = [];
  const stop = () => Promise.all(started.map((p) => p.stop())).then(() => undefined);
  try {
    for (const appendFile of files.slice(2)) started.push(await startRawFollower({ appendFile }));
    const followers = [...started];
    const leader = await startRawServer({ ...config, appendFile: files[1], replicateTo: followers.map((f) => f.port) });
    started.push(leader);
    const single = await startRawServer({ ...config, appendFile: files[0] });
    started.push(single);
    return {
      single,
      replicated: [leader, ...followers],
      truncate: () => {
        for (const f of files) truncateSync(f, 0);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
