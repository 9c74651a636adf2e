// readonlymode.enabled (QuorumPeer.run's LOOKING case): a member that stays LOOKING past a grace period of
// max(2 s, tickTime) starts a read-only server: clients that accept one (ConnectRequest readOnly) read the tree as
// this member last had it, writes get NOTREADONLY, sessions are local. Leaving LOOKING shuts it down, which
// closes its clients' connections and forgets its sessions.
import { ReadOnlyPipeline } from '../server/read-only-pipeline.js';
import type { RequestPipeline, ZooKeeperServer } from '../server/zookeeper-server.js';

export const READ_ONLY_GRACE_MIN_MS = 2000;

export class ReadOnlyMode {
  private timer: NodeJS.Timeout | null = null;
  private saved: RequestPipeline | null = null;

  constructor(
    private readonly server: ZooKeeperServer,
    private readonly tickTimeMs: number,
    private readonly log: (line: string) => void,
  ) {}

  get active(): boolean {
    return this.server.readOnly;
  }

  /** The member went LOOKING: start the read-only server if it still is after the grace period. */
  looking(stillLooking: () => boolean): void {
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = null;
      if (stillLooking()) this.start();
    }, Math.max(READ_ONLY_GRACE_MIN_MS, this.tickTimeMs));
    this.timer.unref();
  }

  /** The member left LOOKING (or stops): shut the read-only server down, if it runs. */
  leave(): void {
    this.cancel();
    const server = this.server;
    if (!server.readOnly) return;
    server.readOnly = false;
    server.serving = false;
    server.pipeline = this.saved;
    this.saved = null;
    for (const c of [...server.connections]) c.close();
    server.dropLocalSessions();
    this.log('Read-only server stopped');
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private start(): void {
    const server = this.server;
    this.saved = server.pipeline;
    server.pipeline = new ReadOnlyPipeline(server);
    server.readOnly = true;
    server.modeName = 'read-only';
    server.expiresSessions = false;
    server.serving = true;
    this.log('Read-only server started');
  }
}

/**
 * Apache reads only the JVM system property `readonlymode.enabled` (zkServer.sh's SERVER_JVMFLAGS/JVMFLAGS, Kafka's
 * KAFKA_OPTS); this server also takes it as a zoo.cfg key.
 */
export function readOnlyModeRequested(configKey: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (configKey) return true;
  const flags = [env.SERVER_JVMFLAGS, env.JVMFLAGS, env.KAFKA_OPTS].filter((f): f is string => f !== undefined).join(' ');
  return /(?:^|\s)-Dreadonlymode\.enabled=true(?:\s|$)/.test(flags);
}
