// One connection speaking the Kafka protocol through the project's codec, for tests that need exact requests
// (a corrupt batch, acks=0, a follower's replica id) and exact responses. Requests are answered in order.
import { ApiKey, decodeResponse, encodeRequest, type ApiMessages } from '../../src/kafka/protocol/index.js';
import { FrameSocket } from './frame-socket.js';

export class RawKafkaClient {
  private correlationId = 0;

  private constructor(readonly socket: FrameSocket) {}

  static async connect(port: number): Promise<RawKafkaClient> {
    return new RawKafkaClient(await FrameSocket.open(port));
  }

  /** Sends without waiting (acks=0 produces get no answer). */
  send<K extends ApiKey>(apiKey: K, apiVersion: number, body: ApiMessages[K]['request']): number {
    const correlationId = ++this.correlationId;
    this.socket.send(Buffer.concat(encodeRequest({ apiKey, apiVersion, correlationId, clientId: 'raw-test' }, body)));
    return correlationId;
  }

  /** The next response, decoded as (apiKey, apiVersion). */
  async receive<K extends ApiKey>(apiKey: K, apiVersion: number, timeoutMs = 10_000): Promise<ApiMessages[K]['response']> {
    if (!(await this.socket.waitForFrame(timeoutMs))) throw new Error(`no ${apiKey}/v${apiVersion} response within ${timeoutMs} ms (closed: ${this.socket.closed})`);
    const frame = this.socket.take();
    return decodeResponse(apiKey, apiVersion, frame, 4).body;
  }

  async request<K extends ApiKey>(apiKey: K, apiVersion: number, body: ApiMessages[K]['request'], timeoutMs?: number): Promise<ApiMessages[K]['response']> {
    this.send(apiKey, apiVersion, body);
    return this.receive(apiKey, apiVersion, timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }
}
