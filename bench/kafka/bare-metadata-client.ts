// The least a one-shot Kafka tool that lists topics has to do, as the floor of `kafka-topics --list`: connect, send
// ApiVersions v0 and Metadata v1 (all topics) written by hand, read both answers, print the topic names, exit. It
// loads nothing but node:net. Usage: node bare-metadata-client.js host:port
import { connect } from 'node:net';

const [host, port] = process.argv[2]!.split(':') as [string, string];
const CLIENT_ID = Buffer.from('bare');

function request(apiKey: number, version: number, correlationId: number, body: Buffer): Buffer {
  const head = Buffer.alloc(4 + 2 + 2 + 4 + 2);
  head.writeInt32BE(head.length - 4 + CLIENT_ID.length + body.length, 0);
  head.writeInt16BE(apiKey, 4);
  head.writeInt16BE(version, 6);
  head.writeInt32BE(correlationId, 8);
  head.writeInt16BE(CLIENT_ID.length, 12);
  return Buffer.concat([head, CLIENT_ID, body]);
}

/** Topic names of a Metadata v1 response body (after the correlation id). */
function topicNames(b: Buffer): string[] {
  let pos = 0;
  const str = () => {
    const n = b.readInt16BE(pos);
    pos += 2;
    if (n < 0) return null;
    const s = b.toString('utf8', pos, pos + n);
    pos += n;
    return s;
  };
  for (let brokers = b.readInt32BE((pos += 4) - 4); brokers > 0; brokers--) {
    pos += 4;
    str();
    pos += 4;
    str();
  }
  pos += 4; // controller id
  const names: string[] = [];
  for (let topics = b.readInt32BE((pos += 4) - 4); topics > 0; topics--) {
    pos += 2;
    names.push(str()!);
    pos += 1;
    for (let parts = b.readInt32BE((pos += 4) - 4); parts > 0; parts--) {
      pos += 2 + 4 + 4;
      pos += 4 + 4 * b.readInt32BE(pos);
      pos += 4 + 4 * b.readInt32BE(pos);
    }
  }
  return names;
}

const socket = connect({ host, port: Number(port) }, () => {
  socket.write(request(18, 0, 1, Buffer.alloc(0)));
  const allTopics = Buffer.alloc(4);
  allTopics.writeInt32BE(-1, 0);
  socket.write(request(3, 1, 2, allTopics));
});
let buffered = Buffer.alloc(0);
socket.on('data', (chunk: Buffer) => {
  buffered = Buffer.concat([buffered, chunk]);
  while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
    const frame = buffered.subarray(4, 4 + buffered.readInt32BE(0));
    buffered = buffered.subarray(4 + frame.length);
    if (frame.readInt32BE(0) === 2) {
      process.stdout.write(topicNames(frame.subarray(4)).filter((t) => !t.startsWith('__')).sort().map((t) => `${t}\n`).join(''));
      socket.end();
    }
  }
});
