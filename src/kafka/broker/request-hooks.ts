// Test hooks: let a test drop, delay or rewrite any request (or its response) by API key, without touching the
// handlers. The dispatcher asks the hook for a request's api key once its header and body are decoded.
import type { ApiKey, ApiMessages } from '../protocol/index.js';

export interface HookedRequest<K extends ApiKey = ApiKey> {
  apiKey: K;
  apiVersion: number;
  correlationId: number;
  body: ApiMessages[K]['request'];
}

export type HookDecision<K extends ApiKey = ApiKey> =
  /** Handle the request normally. */
  | undefined
  /** Never answer: the request is lost. Responses to later requests on the connection wait behind it, as they would on a broker that hung. */
  | 'drop'
  /** Close the connection once the responses before this request are sent. */
  | 'close'
  | {
      /** Wait this long before handling the request. */
      delayMs?: number;
      /** Handle this body instead of the one received. */
      body?: ApiMessages[K]['request'];
      /** Rewrite the handler's response before it is encoded. */
      response?: (response: ApiMessages[K]['response']) => ApiMessages[K]['response'];
    };

export type RequestHook<K extends ApiKey = ApiKey> = (request: HookedRequest<K>) => HookDecision<K> | Promise<HookDecision<K>>;

/** Hooks by API key; set and clear them while the server runs. */
export class RequestHooks {
  private readonly byKey = new Map<number, RequestHook<any>>();

  set<K extends ApiKey>(apiKey: K, hook: RequestHook<K>): void {
    this.byKey.set(apiKey, hook);
  }

  clear(apiKey?: ApiKey): void {
    if (apiKey === undefined) this.byKey.clear();
    else this.byKey.delete(apiKey);
  }

  get(apiKey: number): RequestHook<any> | undefined {
    return this.byKey.size === 0 ? undefined : this.byKey.get(apiKey);
  }
}
