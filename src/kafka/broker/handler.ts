// The contract between the dispatcher and the per-API handler files in handlers/.
import type { ApiKey, ApiMessages, RequestHeader } from '../protocol/index.js';

/** What a handler knows about the request besides its body. */
export interface RequestContext {
  header: RequestHeader;
  apiVersion: number;
  /** The listener the connection came in on (its name, upper-cased): Metadata answers with that listener's endpoints. */
  listenerName: string;
  /** `/ip:port` of the client, for log lines. */
  clientAddress: string;
  connectionId: string;
}

/** Returned by a handler that must not answer (Produce with acks=0). */
export const NO_RESPONSE: unique symbol = Symbol('no response');
export type NoResponse = typeof NO_RESPONSE;

/**
 * Thrown by a handler (or a test hook) when the connection must be closed instead of answered: Kafka does this for
 * an acks=0 Produce that fails, so the client notices and refreshes its metadata.
 */
export class CloseConnection extends Error {
  override readonly name = 'CloseConnection';
}

export type HandlerResult<K extends ApiKey> = ApiMessages[K]['response'] | NoResponse;

export interface ApiHandler<K extends ApiKey = ApiKey> {
  apiKey: K;
  /** The versions this broker answers and advertises in ApiVersions (each handler file says why it stops where it does). */
  minVersion: number;
  maxVersion: number;
  handle(request: ApiMessages[K]['request'], ctx: RequestContext): HandlerResult<K> | Promise<HandlerResult<K>>;
  /**
   * The answer when handling failed unexpectedly (Kafka's AbstractRequest.getErrorResponse): the request's shape with
   * `errorCode` everywhere. Without it the dispatcher closes the connection instead.
   */
  errorResponse?(request: ApiMessages[K]['request'], errorCode: number, ctx: RequestContext): ApiMessages[K]['response'];
}

/** Erases the key type so handlers of different APIs fit one registry. */
export type AnyApiHandler = { [K in ApiKey]: ApiHandler<K> }[ApiKey];
