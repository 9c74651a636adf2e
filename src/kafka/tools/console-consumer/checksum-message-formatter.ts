// Kafka 2.8's ChecksumMessageFormatter: `[<topic property>:]checksum:<n>` per record, n being ConsumerRecord.checksum.
// v2 batches carry no per-record CRC, so that is DefaultRecord.computePartialChecksum: CRC-32C over the timestamp
// (8 bytes), the key size and the value size (4 bytes each, -1 for null), big-endian. (Magic 0/1 records would
// print their stored CRC in Kafka; records reach this consumer as v2 batches.)
import type { ConsumerRecord } from '../../client/consumer/fetched-records.js';
import { crc32c } from '../../protocol/records/crc32c.js';
import type { ChunkedOutput } from '../chunked-output.js';
import type { MessageFormatter } from './message-formatter.js';

export function partialChecksum(timestamp: number, keySize: number, valueSize: number): number {
  const buf = Buffer.allocUnsafe(16);
  buf.writeBigInt64BE(BigInt(timestamp), 0);
  buf.writeInt32BE(keySize, 8);
  buf.writeInt32BE(valueSize, 12);
  return crc32c(buf);
}

export class ChecksumMessageFormatter implements MessageFormatter {
  private readonly prefix: string;

  constructor(props: ReadonlyMap<string, string>) {
    const topic = props.get('topic');
    this.prefix = `${topic !== undefined ? `${topic}:` : ''}checksum:`;
  }

  writeTo(r: ConsumerRecord, out: ChunkedOutput): void {
    out.utf8(this.prefix);
    out.ascii(String(partialChecksum(r.timestamp, r.key === null ? -1 : r.key.length, r.value === null ? -1 : r.value.length)));
    out.ascii('\n');
  }
}
