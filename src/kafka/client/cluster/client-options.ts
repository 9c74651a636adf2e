// Options every client (producer, consumer, admin) shares, with the Java client's names and defaults.
import { KafkaArgumentError } from '../errors/client-errors.js';
import { CONNECTION_DEFAULTS } from '../network/broker-connection.js';
import { RETRY_DEFAULTS } from './retry.js';

export interface ClientOptions {
  /** bootstrap.servers: "host:port" entries. */
  bootstrapServers: string | readonly string[];
  /** client.id */
  clientId?: string;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** max.in.flight.requests.per.connection */
  maxInFlightRequests?: number;
  maxQueuedRequests?: number;
  maxResponseBytes?: number;
  /** retries (for admin and metadata operations; the producer bounds its own by delivery.timeout.ms too) */
  retries?: number;
  retryBackoffMs?: number;
  retryBackoffMaxMs?: number;
  /** metadata.max.age.ms */
  metadataMaxAgeMs?: number;
}

export interface ResolvedClientOptions {
  bootstrap: { host: string; port: number }[];
  clientId: string;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  maxInFlightRequests: number;
  maxQueuedRequests: number;
  maxResponseBytes: number;
  retries: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  metadataMaxAgeMs: number;
}

export function parseHostPort(entry: string): { host: string; port: number } {
  const m = /^\s*(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})\s*$/.exec(entry);
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || port < 1 || port > 65535) throw new KafkaArgumentError(`bootstrap server '${entry}' is not host:port`);
  return { host: m[1] ?? m[2], port };
}

function positive(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new KafkaArgumentError(`${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

export function resolveClientOptions(o: ClientOptions): ResolvedClientOptions {
  const list = typeof o.bootstrapServers === 'string' ? o.bootstrapServers.split(',') : o.bootstrapServers;
  const bootstrap = list.filter((s) => s.trim() !== '').map(parseHostPort);
  if (bootstrap.length === 0) throw new KafkaArgumentError('bootstrapServers is empty');
  return {
    bootstrap,
    clientId: o.clientId ?? CONNECTION_DEFAULTS.clientId,
    requestTimeoutMs: positive('requestTimeoutMs', o.requestTimeoutMs, CONNECTION_DEFAULTS.requestTimeoutMs),
    connectTimeoutMs: positive('connectTimeoutMs', o.connectTimeoutMs, CONNECTION_DEFAULTS.connectTimeoutMs),
    maxInFlightRequests: positive('maxInFlightRequests', o.maxInFlightRequests, CONNECTION_DEFAULTS.maxInFlightRequests),
    maxQueuedRequests: positive('maxQueuedRequests', o.maxQueuedRequests, CONNECTION_DEFAULTS.maxQueuedRequests, 0),
    maxResponseBytes: positive('maxResponseBytes', o.maxResponseBytes, CONNECTION_DEFAULTS.maxResponseBytes),
    retries: positive('retries', o.retries, RETRY_DEFAULTS.retries, 0),
    retryBackoffMs: positive('retryBackoffMs', o.retryBackoffMs, RETRY_DEFAULTS.retryBackoffMs, 0),
    retryBackoffMaxMs: positive('retryBackoffMaxMs', o.retryBackoffMaxMs, RETRY_DEFAULTS.retryBackoffMaxMs, 0),
    metadataMaxAgeMs: positive('metadataMaxAgeMs', o.metadataMaxAgeMs, 300_000),
  };
}
