// A ZooKeeper-shaped stub for measuring the load generator's own ceiling: it answers every request at once
// with a canned success reply (getData carries 100 bytes) and keeps no state; `ruok` gets `imok`.
// Usage: node stub-server.js <port>
import { createServer, type Socket } from 'node:net';
import { codecOf, JuteWriter, OpCode } from '../../src/zookeeper/jute/index.js';
import type { Stat } from '../../src/zookeeper/jute/index.js';
import { NODE_DATA } from './workload.js';

const STAT: Stat = { czxid: 0n, mzxid: 0n, ctime: 0n, mtime: 0n, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, dataLength: 0, numChildren: 0, pzxid: 0n };

function body(write: (w: JuteWriter) => void): Buffer {
  const w = new JuteWriter();
  write(w);
  return Buffer.from(w.bytes());
}

const BODIES = new Map<number, Buffer>([
  [OpCode.getData, body((w) => codecOf('GetDataResponse').write(w, { data: NODE_DATA, stat: STAT }))],
  [OpCode.exists, body((w) => codecOf('ExistsResponse').write(w, { stat: STAT }))],
  [OpCode.setData, body((w) => codecOf('SetDataResponse').write(w, { stat: STAT }))],
  [OpCode.create, body((w) => codecOf('CreateResponse').write(w, { path: '/zkbench/stub' }))],
]);
const EMPTY = Buffer.alloc(0);
const replyHeader = codecOf('ReplyHeader');
let nextSessionId = 0x5eed0000n;
let zxid = 0n;

function serve(socket: Socket): void {
  let connected = false;
  let rx: Buffer | null = null;
  const w = new JuteWriter(64 * 1024);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    const buf = rx ? Buffer.concat([rx, chunk]) : chunk;
    if (!connected && buf.length >= 4 && buf.toString('latin1', 0, 4) === 'ruok') {
      socket.end('imok');
      return;
    }
    let off = 0;
    let close = false;
    while (buf.length - off >= 4) {
      const len = buf.readInt32BE(off);
      if (buf.length - off - 4 < len) break;
      const start = off + 4;
      off = start + len;
      const mark = w.beginFrame();
      if (!connected) {
        connected = true;
        codecOf('ConnectResponse').write(w, { protocolVersion: 0, timeOut: 30_000, sessionId: nextSessionId++, passwd: Buffer.alloc(16), readOnly: false });
      } else {
        const type = buf.readInt32BE(start + 4);
        replyHeader.write(w, { xid: buf.readInt32BE(start), zxid: ++zxid, err: 0 });
        w.raw(BODIES.get(type) ?? EMPTY);
        if (type === OpCode.closeSession) close = true;
      }
      w.endFrame(mark);
    }
    rx = off < buf.length ? buf.subarray(off) : null;
    if (w.pos > 0) socket.write(Buffer.from(w.bytes()));
    w.reset();
    if (close) socket.end();
  });
}

const port = Number(process.argv[2] ?? 0);
const server = createServer({ noDelay: true }, serve);
server.listen({ host: '127.0.0.1', port }, () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
