// Kafka 2.8's console-consumer formatters. DefaultMessageFormatter prints, in this order and each only when its
// print.* property is true: `CreateTime:<ms>`, `Partition:<p>`, `Offset:<o>`, headers `k:v,k:v` (or NO_HEADERS),
// the key, the value (print.value defaults to true); columns are separated by key.separator and the record ends
// with line.separator. Null keys, values and header values print null.literal. LoggingMessageFormatter prints
// the same (its log line goes to a logger Kafka's tools keep at WARN); NoOpMessageFormatter prints nothing;
// ChecksumMessageFormatter (its own module) prints each record's checksum.
import type { ConsumerRecord } from '../../client/consumer/fetched-records.js';
import type { ChunkedOutput } from '../chunked-output.js';
import { deserializerNamed, type Deserializer } from './deserializers.js';
import { ChecksumMessageFormatter } from './checksum-message-formatter.js';

export interface MessageFormatter {
  writeTo(record: ConsumerRecord, out: ChunkedOutput): void;
}

const FORMATTERS: Record<string, (props: ReadonlyMap<string, string>) => MessageFormatter> = {
  'kafka.tools.DefaultMessageFormatter': (p) => new DefaultMessageFormatter(p),
  'kafka.tools.LoggingMessageFormatter': (p) => new DefaultMessageFormatter(p),
  'kafka.tools.NoOpMessageFormatter': () => ({ writeTo: () => {} }),
  'kafka.tools.ChecksumMessageFormatter': (p) => new ChecksumMessageFormatter(p),
};

export const DEFAULT_FORMATTER = 'kafka.tools.DefaultMessageFormatter';

/** The formatter of that class name, or undefined (Kafka: ClassNotFoundException). */
export function formatterNamed(className: string, props: ReadonlyMap<string, string>): MessageFormatter | undefined {
  const make = FORMATTERS[className] ?? FORMATTERS[`kafka.tools.${className}`];
  return make?.(props);
}

const TIMESTAMP_TYPES = ['CreateTime:', 'LogAppendTime:'];

export class DefaultMessageFormatter implements MessageFormatter {
  private readonly printTimestamp: boolean;
  private readonly printKey: boolean;
  private readonly printOffset: boolean;
  private readonly printPartition: boolean;
  private readonly printHeaders: boolean;
  private readonly printValue: boolean;
  private readonly keySeparator: Buffer;
  private readonly lineSeparator: Buffer;
  private readonly headersSeparator: Buffer;
  private readonly nullLiteral: Buffer;
  private readonly keyDeserializer: Deserializer | undefined;
  private readonly valueDeserializer: Deserializer | undefined;
  private readonly headersDeserializer: Deserializer | undefined;

  constructor(props: ReadonlyMap<string, string>) {
    const flag = (key: string, fallback: boolean) => (props.has(key) ? props.get(key)!.trim().toLowerCase() === 'true' : fallback);
    const bytes = (key: string, fallback: string) => Buffer.from(props.get(key) ?? fallback, 'utf8');
    this.printTimestamp = flag('print.timestamp', false);
    this.printKey = flag('print.key', false);
    this.printOffset = flag('print.offset', false);
    this.printPartition = flag('print.partition', false);
    this.printHeaders = flag('print.headers', false);
    this.printValue = flag('print.value', true);
    this.keySeparator = bytes('key.separator', '\t');
    this.lineSeparator = bytes('line.separator', '\n');
    this.headersSeparator = bytes('headers.separator', ',');
    this.nullLiteral = bytes('null.literal', 'null');
    const deserializer = (key: string) => (props.has(key) ? deserializerNamed(props.get(key)!) : undefined);
    this.keyDeserializer = deserializer('key.deserializer');
    this.valueDeserializer = deserializer('value.deserializer');
    this.headersDeserializer = deserializer('headers.deserializer');
  }

  private field(out: ChunkedOutput, bytes: Buffer | null, deserializer: Deserializer | undefined): void {
    const raw = bytes ?? this.nullLiteral;
    if (deserializer === undefined) out.bytes(raw);
    else out.utf8(deserializer(raw));
  }

  private separator(out: ChunkedOutput, column: boolean): void {
    out.bytes(column ? this.keySeparator : this.lineSeparator);
  }

  writeTo(r: ConsumerRecord, out: ChunkedOutput): void {
    if (this.printTimestamp) {
      if (r.timestampType >= 0) {
        out.ascii(TIMESTAMP_TYPES[r.timestampType]!);
        out.ascii(String(r.timestamp));
      } else out.ascii('NO_TIMESTAMP');
      this.separator(out, this.printOffset || this.printPartition || this.printHeaders || this.printKey || this.printValue);
    }
    if (this.printPartition) {
      out.ascii('Partition:');
      out.ascii(String(r.partition));
      this.separator(out, this.printOffset || this.printHeaders || this.printKey || this.printValue);
    }
    if (this.printOffset) {
      out.ascii('Offset:');
      out.ascii(r.offset.toString());
      this.separator(out, this.printHeaders || this.printKey || this.printValue);
    }
    if (this.printHeaders) {
      if (r.headers.length === 0) out.ascii('NO_HEADERS');
      for (let i = 0; i < r.headers.length; i++) {
        const h = r.headers[i]!;
        out.utf8(h.key);
        out.ascii(':');
        this.field(out, h.value, this.headersDeserializer);
        if (i < r.headers.length - 1) out.bytes(this.headersSeparator);
      }
      this.separator(out, this.printKey || this.printValue);
    }
    if (this.printKey) {
      this.field(out, r.key, this.keyDeserializer);
      this.separator(out, this.printValue);
    }
    if (this.printValue) {
      this.field(out, r.value, this.valueDeserializer);
      out.bytes(this.lineSeparator);
    }
  }
}
