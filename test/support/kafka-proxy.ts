// A recording proxy in front of a real broker process, for client tests that need to see (or alter) what passes:
// every request and its decoded answer are kept, and a hook may rewrite an answer before the client gets it. The
// broker advertises the proxy's address (advertised.listeners), so every connection the client opens comes here.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { ApiKey, decodeRequest, decodeResponse, encodeResponse } from '../../src/kafka/protocol/index.js';
import { FrameDecoder } from '../../src/kafka/client/network/frame-decoder.js';

export interface ProxiedExchange {
  apiKey: number;
  version: number;
  body: any;
  /** The answer as the broker sent it, once it came (undefined for requests without one). */
  response?: any;
}

/** Returns a replacement for the broker's answer, or undefined to pass it on unchanged. */
export type ResponseRewrite = (apiKey: number, version: number, request: any, response: any) => any;

const sized = (frame: Buffer) => {
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(frame.length);
  return Buffer.concat([size, frame]);
};

export class KafkaProxy {
  readonly exchanges: ProxiedExchange[] = [];
  rewrite: ResponseRewrite | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly target: () => Promise<number>,
  ) {}

  /** Listens on a free port at once; connections are forwarded to the port `target` resolves to. */
  static async start(target: () => Promise<number>): Promise<KafkaProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new KafkaProxy(server, (server.address() as { port: number }).port, target);
    server.on('connection', (s) => void proxy.serve(s));
    return proxy;
  }

  private async serve(client: Socket): Promise<void> {
    this.sockets.add(client);
    client.on('error', () => {});
    client.pause();
    const upstream = connect(await this.target(), '127.0.0.1');
    this.sockets.add(upstream);
    upstream.on('error', () => {});
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', close);
    upstream.on('close', close);
    const pending = new Map<number, ProxiedExchange>();
    const requests = new FrameDecoder(100 * 1024 * 1024);
    client.on('data', (chunk: Buffer) => {
      for (const frame of requests.push(chunk)) {
        const { header, body } = decodeRequest(frame);
        const exchange: ProxiedExchange = { apiKey: header.requestApiKey, version: header.requestApiVersion, body };
        this.exchanges.push(exchange);
        pending.set(header.correlationId, exchange);
        upstream.write(sized(frame));
      }
    });
    const responses = new FrameDecoder(100 * 1024 * 1024);
    upstream.on('data', (chunk: Buffer) => {
      for (const frame of responses.push(chunk)) {
        const correlationId = frame.readInt32BE(0);
        const exchange = pending.get(correlationId);
        pending.delete(correlationId);
        if (exchange === undefined) {
          client.write(sized(frame));
          continue;
        }
        try {
          exchange.response = decodeResponse(exchange.apiKey as ApiKey, exchange.version, frame).body;
        } catch {
          client.write(sized(frame));
          continue;
        }
        const replaced = this.rewrite?.(exchange.apiKey, exchange.version, exchange.body, exchange.response);
        client.write(replaced === undefined ? sized(frame) : Buffer.concat(encodeResponse(exchange.apiKey as ApiKey, exchange.version, correlationId, replaced)));
      }
    });
    client.resume();
  }

  /** The requests of one API, in the order they came. */
  requests(apiKey: number): ProxiedExchange[] {
    return this.exchanges.filter((e) => e.apiKey === apiKey);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
