// node-zookeeper-client (a third-party client, no type declarations) behind a small promise API.
import { createRequire } from 'node:module';

interface NzkState {
  name: string;
  code: number;
}

interface NzkAcl {
  permission: number;
  id: { scheme: string; id: string };
}

/** Longs come back as 8-byte buffers. */
export interface NzkStat {
  czxid: Buffer;
  mzxid: Buffer;
  pzxid: Buffer;
  ephemeralOwner: Buffer;
  version: number;
  cversion: number;
  aversion: number;
  dataLength: number;
  numChildren: number;
}

type Cb<T> = (err: Error | null, value: T, stat?: NzkStat) => void;

interface NzkRawClient {
  connect(): void;
  close(): void;
  once(event: 'connected' | 'disconnected' | 'expired', listener: () => void): void;
  on(event: 'state', listener: (state: NzkState) => void): void;
  getSessionId(): Buffer;
  create(path: string, data: Buffer | undefined, acls: unknown[], mode: number, cb: Cb<string>): void;
  setData(path: string, data: Buffer, version: number, cb: Cb<NzkStat>): void;
  getData(path: string, cb: (err: Error | null, data: Buffer | undefined, stat: NzkStat) => void): void;
  getChildren(path: string, cb: (err: Error | null, children: string[], stat: NzkStat) => void): void;
  getACL(path: string, cb: (err: Error | null, acls: NzkAcl[], stat: NzkStat) => void): void;
  exists(path: string, cb: (err: Error | null, stat: NzkStat | null) => void): void;
  remove(path: string, version: number, cb: (err: Error | null) => void): void;
}

interface NzkModule {
  createClient(connectString: string, options: { sessionTimeout?: number; spinDelay?: number; retries?: number }): NzkRawClient;
  ACL: { OPEN_ACL_UNSAFE: unknown[] };
  CreateMode: { PERSISTENT: number; EPHEMERAL: number; PERSISTENT_SEQUENTIAL: number; EPHEMERAL_SEQUENTIAL: number };
}

export const nzk = createRequire(import.meta.url)('node-zookeeper-client') as NzkModule;

export function longOf(b: Buffer): bigint {
  return b.readBigInt64BE(0);
}

function call<T>(run: (cb: (err: Error | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value))));
}

export class NzkClient {
  /** Every state the client went through after its first connection. */
  readonly states: string[] = [];

  private constructor(readonly raw: NzkRawClient) {
    raw.on('state', (s) => this.states.push(s.name));
  }

  static connect(connectString: string, sessionTimeoutMs = 10_000, timeoutMs = 10_000): Promise<NzkClient> {
    const raw = nzk.createClient(connectString, { sessionTimeout: sessionTimeoutMs, spinDelay: 100, retries: 0 });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        raw.close();
        reject(new Error(`node-zookeeper-client could not connect to ${connectString} in ${timeoutMs} ms`));
      }, timeoutMs);
      raw.once('connected', () => {
        clearTimeout(timer);
        const client = new NzkClient(raw);
        resolve(client);
      });
      raw.connect();
    });
  }

  get sessionId(): bigint {
    return this.raw.getSessionId().readBigInt64BE(0);
  }

  create(path: string, data?: Buffer, mode = nzk.CreateMode.PERSISTENT): Promise<string> {
    return call((cb) => this.raw.create(path, data, nzk.ACL.OPEN_ACL_UNSAFE, mode, cb));
  }

  setData(path: string, data: Buffer, version = -1): Promise<NzkStat> {
    return call((cb) => this.raw.setData(path, data, version, cb));
  }

  getData(path: string): Promise<{ data: Buffer | undefined; stat: NzkStat }> {
    return new Promise((resolve, reject) => this.raw.getData(path, (err, data, stat) => (err ? reject(err) : resolve({ data, stat }))));
  }

  getChildren(path: string): Promise<string[]> {
    return call((cb) => this.raw.getChildren(path, cb));
  }

  getACL(path: string): Promise<{ acls: NzkAcl[]; stat: NzkStat }> {
    return new Promise((resolve, reject) => this.raw.getACL(path, (err, acls, stat) => (err ? reject(err) : resolve({ acls, stat }))));
  }

  exists(path: string): Promise<NzkStat | null> {
    return call((cb) => this.raw.exists(path, cb));
  }

  remove(path: string, version = -1): Promise<void> {
    return new Promise((resolve, reject) => this.raw.remove(path, version, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    this.raw.close();
  }
}
