// A minimal ZooKeeper client for replay tests: it plays the sessions a recording shows only the effects of
// (tree changes made while the recorded client was away, a session resumed from elsewhere).
import { OpCode } from '../../src/zookeeper/jute/constants.js';
import { codecOf } from '../../src/zookeeper/jute/codec.js';
import { JuteReader } from '../../src/zookeeper/jute/reader.js';
import { encodeClientFrame, decodeServerFrame } from '../../src/zookeeper/jute/protocol-frames.js';
import type { ReplyHeader } from '../../src/zookeeper/jute/records.generated.js';
import { FrameSocket } from './frame-socket.js';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
/** A path no recording uses: deleting it fails with NoNode, which still takes a zxid. */
const PADDING_PATH = '/zkafka-replay-padding';

export class HiddenClient {
  private xid = 0;
  private readonly ops = new Map<number, number>();

  private constructor(private readonly sock: FrameSocket, readonly sessionId: bigint, readonly password: Buffer) {}

  static async open(port: number, timeoutMs: number, replyTimeoutMs = 3000): Promise<HiddenClient> {
    const sock = await FrameSocket.open(port);
    sock.send(encodeClientFrame({
      kind: 'connect',
      req: { protocolVersion: 0, lastZxidSeen: 0n, timeOut: timeoutMs, sessionId: 0n, passwd: Buffer.alloc(16), readOnly: false },
    }));
    if (!(await sock.waitForFrame(replyTimeoutMs))) throw new Error('hidden client: no ConnectResponse');
    const frame = sock.take();
    const resp = codecOf('ConnectResponse').read(new JuteReader(frame, 4));
    return new HiddenClient(sock, resp.sessionId, resp.passwd ?? Buffer.alloc(16));
  }

  async call(type: number, body: unknown, replyTimeoutMs = 3000): Promise<{ header: ReplyHeader; body: unknown }> {
    const xid = ++this.xid;
    this.ops.set(xid, type);
    this.sock.send(encodeClientFrame({ kind: 'request', header: { xid, type }, body }));
    const deadline = Date.now() + replyTimeoutMs;
    for (;;) {
      if (!(await this.sock.waitForFrame(Math.max(0, deadline - Date.now())))) {
        throw new Error(`hidden client: no reply to xid ${xid} (op ${type})`);
      }
      const frame = this.sock.take();
      const decoded = decodeServerFrame(frame.subarray(4), false, (x) => this.ops.get(x));
      if (decoded.kind === 'reply' && decoded.header.xid === xid) return { header: decoded.header, body: decoded.body };
    }
  }

  create(path: string, data = '', flags = 0): Promise<unknown> {
    return this.call(OpCode.create, { path, data: Buffer.from(data), acl: OPEN_ACL, flags });
  }

  setData(path: string, data: string): Promise<unknown> {
    return this.call(OpCode.setData, { path, data: Buffer.from(data), version: -1 });
  }

  delete(path: string): Promise<unknown> {
    return this.call(OpCode.delete, { path, version: -1 });
  }

  getData(path: string, watch: boolean): Promise<unknown> {
    return this.call(OpCode.getData, { path, watch });
  }

  getChildren(path: string, watch: boolean): Promise<unknown> {
    return this.call(OpCode.getChildren, { path, watch });
  }

  /** Failed deletes until the server's last zxid is `zxid`: they change nothing but take a zxid each. */
  async padTo(lastZxid: () => bigint, zxid: bigint): Promise<void> {
    while (lastZxid() < zxid) await this.delete(PADDING_PATH);
  }

  closeSession(): Promise<unknown> {
    return this.call(OpCode.closeSession, undefined);
  }

  destroy(): void {
    this.sock.destroy();
  }
}
