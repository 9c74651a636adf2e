/**
 * The vocabulary of the broker key table: Kafka's ConfigDef types and validators, and what zkafka does with
 * each key. Kept apart from the table so that docs generators and the loader can import the shapes alone.
 */

/** Kafka's ConfigDef.Type. */
export type KafkaConfigType = 'INT' | 'LONG' | 'SHORT' | 'DOUBLE' | 'BOOLEAN' | 'STRING' | 'LIST' | 'CLASS' | 'PASSWORD';

/**
 * A parsed value: INT/SHORT/DOUBLE as number, LONG as bigint (Long.MAX_VALUE defaults must stay exact for
 * DescribeConfigs), LIST as strings, CLASS and PASSWORD as their text; null = no value (Kafka's null default).
 */
export type KafkaValue = number | bigint | boolean | string | readonly string[] | null;

/** Kafka's validators as used by KafkaConfig 2.8: Range.atLeast / between, ValidString.in, ValidList.in, ApiVersionValidator. */
export type KafkaValidator =
  | { kind: 'atLeast'; min: number }
  | { kind: 'between'; min: number; max: number }
  | { kind: 'in'; values: readonly string[] }
  | { kind: 'listIn'; values: readonly string[] }
  | { kind: 'version' };

/**
 * - honoured: the broker acts on the value.
 * - ignored: any valid value is accepted and has no effect (the note says why); a non-default value gets a warning.
 * - default-only: only Kafka's default is accepted; anything else is a configuration error naming the reason,
 *   because silently ignoring it would weaken what the user asked for (security, plugins, KRaft).
 */
export type KafkaKeySupport = 'honoured' | 'ignored' | 'default-only';

export interface KafkaKeyDef {
  name: string;
  type: KafkaConfigType;
  /** Kafka 2.8.2's default (KafkaConfig.configDef), typed as KafkaValue. */
  defaultValue: KafkaValue;
  validator?: KafkaValidator;
  support: KafkaKeySupport;
  /** What the key does here, or why it has no effect. */
  note: string;
  /** PASSWORD keys and the like: never echo the value. */
  sensitive?: boolean;
}

/** A family of keys accepted by prefix (listener overrides, TLS, SASL): all ignored, for the reason given. */
export interface KafkaKeyFamily {
  prefix: string;
  support: 'ignored';
  note: string;
}

export const INT32_MAX = 2147483647;
export const INT32_MIN = -2147483648;
export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

export const atLeast = (min: number): KafkaValidator => ({ kind: 'atLeast', min });
export const between = (min: number, max: number): KafkaValidator => ({ kind: 'between', min, max });
export const oneOf = (...values: string[]): KafkaValidator => ({ kind: 'in', values });
export const listOf = (...values: string[]): KafkaValidator => ({ kind: 'listIn', values });
export const VERSION: KafkaValidator = { kind: 'version' };

type KeyMaker = (name: string, type: KafkaConfigType, defaultValue: KafkaValue, note: string, validator?: KafkaValidator) => KafkaKeyDef;

function maker(support: KafkaKeySupport): KeyMaker {
  return (name, type, defaultValue, note, validator) => ({
    name,
    type,
    defaultValue,
    ...(validator === undefined ? {} : { validator }),
    support,
    note,
    ...(type === 'PASSWORD' ? { sensitive: true } : {}),
  });
}

export const honoured = maker('honoured');
export const ignored = maker('ignored');
export const defaultOnly = maker('default-only');
