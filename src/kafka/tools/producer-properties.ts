// Java producer properties (the keys of --producer-property, --producer-props and --producer.config files) turned
// into our producer's options, refusing bad values with the Java client's ConfigException words. Keys the Java
// client has and ours does not need (serializers, socket buffer sizes) are accepted and ignored.
import { readFileSync } from 'node:fs';
import { parseProperties } from '../../config/properties.js';
import type { ProducerOptions } from '../client/producer/producer-options.js';
import { COMPRESSION_NAMES } from '../protocol/records/compression/index.js';

export class ProducerConfigError extends Error {}

/** `key=value` arguments (split at the first `=`), as Kafka's CommandLineUtils.parseKeyValueArgs. */
export function parseKeyValueArgs(args: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq < 0) {
      // parseKeyValueArgs accepts a bare key as an empty value only with acceptMissingValue, which the tools do not set.
      throw new ProducerConfigError(`Invalid command line properties: ${args.join(' ')}`);
    }
    out.set(arg.slice(0, eq), arg.slice(eq + 1));
  }
  return out;
}

/** A .properties file as a map (Utils.loadProps); a missing file is Java's NoSuchFileException text. */
export function loadPropertiesFile(path: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ProducerConfigError(`java.nio.file.NoSuchFileException: ${path}`);
  }
  return new Map(parseProperties(text).map((e) => [e.key, e.value] as const));
}

function invalid(key: string, value: string, why: string): ProducerConfigError {
  return new ProducerConfigError(`Invalid value ${value} for configuration ${key}: ${why}`);
}

function int(props: ReadonlyMap<string, string>, key: string, min = 0): number | undefined {
  const text = props.get(key);
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) throw invalid(key, text, 'Not a number of type ' + (key.endsWith('.ms') || key === 'buffer.memory' ? 'LONG' : 'INT'));
  const n = Number(trimmed);
  if (n < min) throw invalid(key, text, `Value must be at least ${min}`);
  return n;
}

function bool(props: ReadonlyMap<string, string>, key: string): boolean | undefined {
  const text = props.get(key)?.trim().toLowerCase();
  if (text === undefined) return undefined;
  if (text !== 'true' && text !== 'false') throw invalid(key, props.get(key)!, 'Expected value to be either true or false');
  return text === 'true';
}

/** The producer options for these properties; `bootstrap.servers` is required. */
export function producerOptionsFromProperties(props: ReadonlyMap<string, string>): ProducerOptions {
  const bootstrap = props.get('bootstrap.servers');
  if (bootstrap === undefined || bootstrap.trim() === '') throw new ProducerConfigError('Missing required configuration "bootstrap.servers" which has no default value.');
  const acksText = props.get('acks')?.trim();
  let acks: ProducerOptions['acks'];
  if (acksText !== undefined) {
    if (acksText === 'all' || acksText === '-1') acks = -1;
    else if (acksText === '0' || acksText === '1') acks = Number(acksText) as 0 | 1;
    else throw invalid('acks', acksText, 'String must be one of: all, -1, 0, 1');
  }
  const compressionText = props.get('compression.type')?.trim();
  if (compressionText !== undefined && !(COMPRESSION_NAMES as readonly string[]).includes(compressionText)) {
    throw invalid('compression.type', compressionText, `String must be one of: ${COMPRESSION_NAMES.join(', ')}`);
  }
  const options: ProducerOptions = {
    bootstrapServers: bootstrap,
    clientId: props.get('client.id'),
    acks,
    compression: compressionText as ProducerOptions['compression'],
    lingerMs: int(props, 'linger.ms'),
    batchSizeBytes: int(props, 'batch.size'),
    bufferMemoryBytes: int(props, 'buffer.memory'),
    maxBlockMs: int(props, 'max.block.ms'),
    deliveryTimeoutMs: int(props, 'delivery.timeout.ms'),
    maxRequestSizeBytes: int(props, 'max.request.size'),
    idempotent: bool(props, 'enable.idempotence'),
    retries: int(props, 'retries'),
    retryBackoffMs: int(props, 'retry.backoff.ms'),
    requestTimeoutMs: int(props, 'request.timeout.ms', 1),
    metadataMaxAgeMs: int(props, 'metadata.max.age.ms'),
    maxInFlightRequests: int(props, 'max.in.flight.requests.per.connection', 1),
    allowAutoTopicCreation: bool(props, 'allow.auto.create.topics'),
  };
  // An idempotent producer needs acks=all: the Java client (2.8) refuses other acks when idempotence is asked for.
  if (options.idempotent && acks !== undefined && acks !== -1) {
    throw new ProducerConfigError('Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.');
  }
  // The Java 2.8 producer's defaults where ours differ: acks=1 (all when idempotent) and linger.ms=0.
  if (options.acks === undefined) options.acks = options.idempotent ? -1 : 1;
  if (options.lingerMs === undefined) options.lingerMs = 0;
  // The Java client raises delivery.timeout.ms to linger.ms + request.timeout.ms when it was not set.
  if (options.deliveryTimeoutMs === undefined) {
    const floor = (options.lingerMs ?? 0) + (options.requestTimeoutMs ?? 30_000);
    if (floor > 120_000) options.deliveryTimeoutMs = floor;
  } else if (options.deliveryTimeoutMs < (options.lingerMs ?? 0) + (options.requestTimeoutMs ?? 30_000)) {
    throw new ProducerConfigError('delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms');
  }
  for (const k of Object.keys(options) as (keyof ProducerOptions)[]) if (options[k] === undefined) delete options[k];
  return options;
}
