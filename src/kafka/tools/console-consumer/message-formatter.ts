// Kafka 2.8's console-consumer formatters. DefaultMessageFormatter prints, in this order and each only when its
// print.* property is true: `CreateTime:<ms>`, `Partition:<p>`, `Offset:<o>`, headers `k:v,k:v` (or NO_HEADERS),
// the key, the value (print.value defaults to true); columns are separated by key.separator and the record ends
// with line.separator. Null keys, values and header values print null.literal. LoggingMessageFormatter prints
// the same (its log line goes to a logger Kafka's tools keep at WARN); NoOpMessageFormatter prints nothing;
// ChecksumMessageFormatter (its own module) prints each record's checksum.
import type { ConsumerRecord, FetchedBatch } from '../../client/consumer/fetched-records.js';
import { RecordCursor, RecordReader } from '../../protocol/records/record-reader.js';
import type { ChunkedOutput } from '../chunked-output.js';
import { deserializerNamed, type Deserializer } from './deserializers.js';
import { ChecksumMessageFormatter } from './checksum-message-formatter.js';

export interface MessageFormatter {
  writeTo(record: ConsumerRecord, out: ChunkedOutput): void;
  /** Present when the formatter can print straight from a batch's bytes what writeTo prints for its records. */
  readonly batchWriter?: BatchWriter;
}

/** Prints a fetched v2 batch's records without an object per record. */
export interface BatchWriter {
  /**
   * Prints the batch's records from its position on, at most `max`; returns how many it printed, and leaves the
   * offset after the last one printed in `nextOffset`.
   */
  writeBatch(batch: FetchedBatch, partition: number, out: ChunkedOutput, max: number): number;
  nextOffset: bigint;
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

  /** Without deserializers and headers every column is bytes of the batch or ASCII: printed from the batch as it is. */
  get batchWriter(): BatchWriter | undefined {
    if (this.keyDeserializer !== undefined || this.valueDeserializer !== undefined || this.printHeaders) return undefined;
    return (this.bytesWriter ??= new DefaultBatchWriter(this));
  }

  private bytesWriter: DefaultBatchWriter | undefined;

  /** The columns, in order, for the batch writer. */
  get layout(): Layout {
    return {
      printTimestamp: this.printTimestamp,
      printPartition: this.printPartition,
      printOffset: this.printOffset,
      printKey: this.printKey,
      printValue: this.printValue,
      keySeparator: this.keySeparator,
      lineSeparator: this.lineSeparator,
      nullLiteral: this.nullLiteral,
    };
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

interface Layout {
  printTimestamp: boolean;
  printPartition: boolean;
  printOffset: boolean;
  printKey: boolean;
  printValue: boolean;
  keySeparator: Buffer;
  lineSeparator: Buffer;
  nullLiteral: Buffer;
}

/** DefaultMessageFormatter.writeTo over a batch's bytes (no headers column, no deserializers). */
class DefaultBatchWriter implements BatchWriter {
  nextOffset = 0n;
  private readonly l: Layout;
  private readonly cursor = new RecordCursor();
  /** Only the value column, each record ended by one byte: the common case, with the least per record. */
  private readonly valueOnly: boolean;

  constructor(formatter: DefaultMessageFormatter) {
    this.l = formatter.layout;
    const l = this.l;
    this.valueOnly = l.printValue && !l.printTimestamp && !l.printPartition && !l.printOffset && !l.printKey && l.lineSeparator.length === 1;
  }

  writeBatch(b: FetchedBatch, partition: number, out: ChunkedOutput, max: number): number {
    const data = b.data;
    const r = this.cursor;
    const skip = b.skip;
    let printed = 0;
    let lastDelta = -1;
    let reader: RecordReader;
    if (this.valueOnly) {
      // Records of the usual shape are printed without the reader's full pass over each; the first record that is
      // not (or a malformed one) goes to the reader, which prints it or says what is wrong with it.
      const separator = this.l.lineSeparator[0]!;
      const nullLiteral = this.l.nullLiteral;
      const end = data.length;
      const count = b.count;
      let pos = 0;
      let i = 0;
      for (; i < count && printed < max; i++) {
        const length = varint(data, pos);
        let p = varintEnd;
        const recordEnd = p + length;
        if (!(length > 0) || recordEnd > end) break;
        p++;
        for (let k = 0; data[p++]! >= 0x80 && k < 9; k++);
        if (varint(data, p) !== i) break;
        const keyLength = varint(data, varintEnd);
        p = varintEnd + (keyLength > 0 ? keyLength : 0);
        if (keyLength < -1 || p >= recordEnd) break;
        const valueLength = varint(data, p);
        p = varintEnd;
        if (valueLength < -1 || p + (valueLength > 0 ? valueLength : 0) >= recordEnd) break;
        if (i >= skip) {
          if (valueLength < 0) out.bytes(nullLiteral);
          else out.range(data, p, p + valueLength);
          out.byte(separator);
          printed++;
          lastDelta = i;
        }
        pos = recordEnd;
      }
      reader = new RecordReader(data, count - i, pos);
      while (printed < max && reader.next(r)) {
        if (r.offsetDelta < skip) continue;
        if (r.valueLength < 0) out.bytes(nullLiteral);
        else out.range(data, r.valueStart, r.valueStart + r.valueLength);
        out.byte(separator);
        printed++;
        lastDelta = r.offsetDelta;
      }
    } else {
      reader = new RecordReader(data, b.count);
      while (printed < max && reader.next(r)) {
        if (r.offsetDelta < skip) continue;
        this.columns(b, partition, r, out);
        printed++;
        lastDelta = r.offsetDelta;
      }
    }
    if (printed > 0) this.nextOffset = b.baseOffset + BigInt(lastDelta) + 1n;
    return printed;
  }

  private columns(b: FetchedBatch, partition: number, r: RecordCursor, out: ChunkedOutput): void {
    const l = this.l;
    const sep = (column: boolean) => out.bytes(column ? l.keySeparator : l.lineSeparator);
    if (l.printTimestamp) {
      out.ascii(TIMESTAMP_TYPES[b.timestampType]!);
      out.ascii(String(b.logAppendTime >= 0 ? b.logAppendTime : b.baseTimestamp + r.timestampDelta));
      sep(l.printOffset || l.printPartition || l.printKey || l.printValue);
    }
    if (l.printPartition) {
      out.ascii('Partition:');
      out.ascii(String(partition));
      sep(l.printOffset || l.printKey || l.printValue);
    }
    if (l.printOffset) {
      out.ascii('Offset:');
      out.ascii((b.baseOffset + BigInt(r.offsetDelta)).toString());
      sep(l.printKey || l.printValue);
    }
    if (l.printKey) {
      if (r.keyLength < 0) out.bytes(l.nullLiteral);
      else out.range(b.data, r.keyStart, r.keyStart + r.keyLength);
      sep(l.printValue);
    }
    if (l.printValue) {
      if (r.valueLength < 0) out.bytes(l.nullLiteral);
      else out.range(b.data, r.valueStart, r.valueStart + r.valueLength);
      out.bytes(l.lineSeparator);
    }
  }
}

/** Where the last varint read by varint() ended. */
let varintEnd = 0;

/** The zigzag varint at pos (NaN-free garbage past the end of data; callers check bounds after). */
function varint(data: Buffer, pos: number): number {
  let b = data[pos++]!;
  let raw = b & 0x7f;
  if (b >= 0x80) {
    b = data[pos++]!;
    raw |= (b & 0x7f) << 7;
    if (b >= 0x80) {
      b = data[pos++]!;
      raw |= (b & 0x7f) << 14;
      if (b >= 0x80) {
        b = data[pos++]!;
        raw |= (b & 0x7f) << 21;
        if (b >= 0x80) {
          b = data[pos++]!;
          raw = (raw | (b << 28)) >>> 0;
          if (b >= 0x10) raw = 0x7fffffff * 2;
        }
      }
    }
  }
  varintEnd = pos;
  return (raw >>> 1) ^ -(raw & 1);
}
