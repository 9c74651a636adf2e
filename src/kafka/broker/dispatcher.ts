// Routes one request frame to its handler: decodes the header (v0-v2, chosen by api key and version) and the body
// with the codec, checks the version against the handler's range, runs test hooks, and encodes the response.
// The advertised ApiVersions table is exactly the registered handlers' ranges.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiKey,
  encodeResponse,
  ErrorCode,
  KafkaDecodeError,
  KafkaReader,
  readMessage,
  readRequestHeader,
  REQUEST_SCHEMAS,
  type MessageSchema,
  type RequestHeader,
} from '../protocol/index.js';
import { CloseConnection, NO_RESPONSE, type AnyApiHandler, type ApiHandler, type RequestContext } from './handler.js';
import type { ApiVersionsResponse } from '../protocol/schemas/api-versions.js';
import type { HookDecision, RequestHooks } from './request-hooks.js';
import type { RequestMetrics } from './metrics/request-metrics.js';

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/** The part of a connection the dispatcher needs. */
export interface ConnectionInfo {
  listenerName: string;
  clientAddress: string;
  connectionId: string;
}

export type Dispatched =
  /** Close the connection once the responses queued before this frame are sent. */
  | { kind: 'close'; reason: string }
  | {
      kind: 'request';
      apiKey: number;
      apiVersion: number;
      correlationId: number;
      /** The framed response; null when none is sent (acks=0). Rejects with CloseConnection to close instead. */
      response: Promise<Buffer[] | null>;
      /** A test hook sees the request (and may keep its body or response past the answer). */
      hooked: boolean;
      /** Nothing reads the request frame's bytes once the response is settled: its buffer may be reused. */
      frameFreeAfterResponse: boolean;
    };

/**
 * APIs whose handlers read the request's bytes only until the response is ready. Produce: the records are validated
 * and written to the log before the answer (the log keeps no reference to them). Other APIs may keep byte fields
 * (group member metadata and assignments, for one) as views of the frame.
 */
const FRAME_FREE_AFTER_RESPONSE: ReadonlySet<number> = new Set([ApiKey.Produce]);

const API_NAMES = new Map<number, string>(Object.entries(ApiKey).map(([name, key]) => [key as number, name]));

export function apiName(apiKey: number): string {
  return API_NAMES.get(apiKey) ?? `unknown api key ${apiKey}`;
}

export class Dispatcher {
  private readonly handlers = new Map<number, AnyApiHandler>();
  private table: ApiVersionRange[] = [];

  constructor(
    handlers: readonly AnyApiHandler[],
    private readonly hooks?: RequestHooks,
    private readonly onHandlerError?: (err: unknown, apiKey: number, ctx: ConnectionInfo) => void,
    /** Counts and times every handled request by API. */
    private readonly requestMetrics?: RequestMetrics,
  ) {
    for (const h of handlers) {
      if (this.handlers.has(h.apiKey)) throw new Error(`two handlers for ${apiName(h.apiKey)}`);
      if (!(h.apiKey in REQUEST_SCHEMAS)) throw new Error(`no schema for api key ${h.apiKey}`);
      this.handlers.set(h.apiKey, h);
    }
    this.table = [...this.handlers.values()]
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }

  /** What ApiVersions advertises: one entry per registered handler, by api key. */
  versionTable(): readonly ApiVersionRange[] {
    return this.table;
  }

  /**
   * Starts handling the frame buf[start, end) (its size prefix already removed). Synchronous up to the decode, so
   * the connection can queue the response slot in arrival order; the handler may finish later.
   */
  dispatch(buf: Buffer, start: number, end: number, conn: ConnectionInfo): Dispatched {
    if (end - start < 8) return { kind: 'close', reason: `request of ${end - start} bytes is shorter than a request header` };
    const apiKey = buf.readInt16BE(start);
    const apiVersion = buf.readInt16BE(start + 2);
    const handler = this.handlers.get(apiKey);
    if (handler === undefined) {
      const why = API_NAMES.has(apiKey) ? `API ${apiName(apiKey)} is not served by this broker` : `Unknown API key ${apiKey}`;
      return { kind: 'close', reason: why };
    }
    const r = new KafkaReader(buf, start, end);
    let header: RequestHeader;
    try {
      header = readRequestHeader(r).header;
    } catch (err) {
      if (err instanceof KafkaDecodeError) return { kind: 'close', reason: `malformed request header: ${err.message}` };
      throw err;
    }
    // Named fields, not a spread: `conn` is the whole connection object.
    const ctx: RequestContext = { header, apiVersion, listenerName: conn.listenerName, clientAddress: conn.clientAddress, connectionId: conn.connectionId };
    const correlationId = header.correlationId;
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      // Kafka answers only ApiVersions this way (clients retry with a version from the answer); for any other API its
      // request parser fails on the version and the connection is closed.
      if (apiKey !== ApiKey.ApiVersions) {
        return { kind: 'close', reason: `Error getting request for apiKey: ${apiName(apiKey)}, apiVersion: ${apiVersion}: unsupported version` };
      }
      return {
        kind: 'request', apiKey, apiVersion, correlationId, response: Promise.resolve(this.unsupportedApiVersions(correlationId, handler)),
        hooked: false, frameFreeAfterResponse: true,
      };
    }
    let body: unknown;
    try {
      body = readMessage((REQUEST_SCHEMAS as Record<number, MessageSchema>)[apiKey]!, apiVersion, r);
    } catch (err) {
      if (err instanceof KafkaDecodeError) {
        return { kind: 'close', reason: `Error getting request for apiKey: ${apiName(apiKey)}, apiVersion: ${apiVersion}: ${err.message}` };
      }
      throw err;
    }
    const hooked = this.hooks?.get(apiKey) !== undefined;
    return {
      kind: 'request', apiKey, apiVersion, correlationId, response: this.run(handler as ApiHandler, body, ctx, conn),
      hooked, frameFreeAfterResponse: !hooked && FRAME_FREE_AFTER_RESPONSE.has(apiKey),
    };
  }

  private run(handler: ApiHandler, received: unknown, ctx: RequestContext, conn: ConnectionInfo): Promise<Buffer[] | null> {
    const metrics = this.requestMetrics;
    if (metrics === undefined) return this.handle(handler, received, ctx, conn);
    const started = performance.now();
    const apiKey = handler.apiKey;
    // Reactions rather than an async wrapper: one promise fewer per request.
    return this.handle(handler, received, ctx, conn).then(
      (response) => {
        metrics.record(apiKey, performance.now() - started);
        return response;
      },
      (err: unknown) => {
        metrics.record(apiKey, performance.now() - started);
        throw err;
      },
    );
  }

  private async handle(handler: ApiHandler, received: unknown, ctx: RequestContext, conn: ConnectionInfo): Promise<Buffer[] | null> {
    const apiKey = handler.apiKey;
    const correlationId = ctx.header.correlationId;
    let body = received;
    let decision: HookDecision<any>;
    const hook = this.hooks?.get(apiKey);
    if (hook !== undefined) {
      decision = await hook({ apiKey, apiVersion: ctx.apiVersion, correlationId, body });
      if (decision === 'drop') return new Promise<never>(() => {});
      if (decision === 'close') throw new CloseConnection(`test hook closed the connection at ${apiName(apiKey)}`);
      if (decision?.delayMs !== undefined) await sleep(decision.delayMs);
      if (decision?.body !== undefined) body = decision.body;
    }
    let response: unknown;
    try {
      response = await handler.handle(body as never, ctx);
    } catch (err) {
      this.requestMetrics?.failed(apiKey);
      if (err instanceof CloseConnection) throw err;
      this.onHandlerError?.(err, apiKey, conn);
      if (handler.errorResponse === undefined) throw new CloseConnection(`${apiName(apiKey)} failed: ${(err as Error)?.message ?? String(err)}`);
      response = handler.errorResponse(body as never, ErrorCode.UNKNOWN_SERVER_ERROR, ctx);
    }
    if (response === NO_RESPONSE) return null;
    if (typeof decision === 'object' && decision.response !== undefined) response = decision.response(response);
    return encodeResponse(apiKey, ctx.apiVersion, correlationId, response as never);
  }

  /**
   * ApiVersions at a version we lack: a v0 body (the only layout every client can read before knowing our versions)
   * with UNSUPPORTED_VERSION and our ApiVersions range, as Kafka's ApiVersionsRequest.getErrorResponse builds it.
   */
  private unsupportedApiVersions(correlationId: number, handler: AnyApiHandler): Buffer[] {
    const body: ApiVersionsResponse = {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: handler.minVersion, maxVersion: handler.maxVersion }],
    };
    return encodeResponse(ApiKey.ApiVersions, 0, correlationId, body);
  }
}
