// The shape of a Kafka message declaration, as scripts/gen-kafka.mjs emits it from the JSON specs.
// Version ranges keep the spec's spelling ("0+", "3-5", "none"); the codec parses them once.

export type MessageType = 'request' | 'response' | 'header' | 'data';

export interface FieldSchema {
  /** camelCase of the spec's name: the property name in decoded objects. */
  name: string;
  /** A primitive (int8 … uuid, records), a struct name, or "[]" + either. */
  type: string;
  versions: string;
  nullableVersions?: string;
  /** Overrides the message's flexible versions for this field (RequestHeader.ClientId: "none"). */
  flexibleVersions?: string;
  tag?: number;
  taggedVersions?: string;
  /** The spec's default, as written ("-1", "null", "0x7fffffff", "true", "" …). */
  default?: string;
  /** Present versions may drop this field silently when writing an older version. */
  ignorable?: boolean;
  /** Struct (or array-of-struct) members. */
  fields?: FieldSchema[];
}

export interface MessageSchema {
  name: string;
  type: MessageType;
  apiKey?: number;
  validVersions: string;
  flexibleVersions: string;
  listeners?: string[];
  latestVersionUnstable?: boolean;
  fields: FieldSchema[];
}

/**
 * A message schema whose field list is parsed from its JSON on first use. A process loads every API's schema and uses
 * a few: parsing all of them took 4 ms, more than a one-shot kafka-topics --list spends encoding and decoding. The
 * parsed list is kept, so `fields` is the same array on every read (the codec caches by it). The getter is the
 * class's, shared: one defined on each schema gave each its own hidden class (100 KB).
 */
class ParsedOnUse {
  readonly #fieldsJson: string;
  #fields: FieldSchema[] | undefined;

  constructor(facts: Omit<MessageSchema, 'fields'>, fieldsJson: string) {
    Object.assign(this, facts);
    this.#fieldsJson = fieldsJson;
  }

  get fields(): FieldSchema[] {
    return (this.#fields ??= JSON.parse(this.#fieldsJson) as FieldSchema[]);
  }
}

export function messageSchema(facts: Omit<MessageSchema, 'fields'>, fieldsJson: string): MessageSchema {
  return new ParsedOnUse(facts, fieldsJson) as unknown as MessageSchema;
}

/** A tagged field the schema does not know, kept as raw bytes so it can be written back unchanged. */
export interface RawTaggedField {
  tag: number;
  data: Buffer;
}
