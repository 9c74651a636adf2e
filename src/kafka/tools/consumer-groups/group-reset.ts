// The offsets --reset-offsets plans for a group: the scope's partitions and each one's new offset by the chosen
// scenario, kept inside [log start, log end] as Kafka's checkOffsetsRange does (with its warnings).
import type { KafkaAdmin } from '../../client/admin/kafka-admin.js';
import { formatLogLine } from '../../broker/broker-log.js';
import type { ToolOptions } from '../tool-options.js';
import { ToolOptionError } from '../tool-options.js';
import { readFileSync } from 'node:fs';

export interface PlannedOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

type Partition = { topic: string; partition: number };
const key = (p: Partition) => `${p.topic}-${p.partition}`;
const LOGGER = 'kafka.admin.ConsumerGroupCommand$';

/** Kafka's Utils.getDateTime: `yyyy-MM-ddTHH:mm:ss.SSS`, UTC unless a zone (Z, +hh:mm) is given. */
export function parseDateTime(text: string): number {
  const parts = text.split('T');
  if (parts.length < 2) throw new ToolOptionError(`Error parsing timestamp. It does not contain a 'T' according to ISO8601 format. Timestamp: ${text}`);
  const zoned = /[+\-Z]/.test(parts[1]!) ? text : `${text}Z`;
  const ms = Date.parse(zoned);
  if (Number.isNaN(ms)) throw new ToolOptionError(`Unparseable date: "${text}"`);
  return ms;
}

/** java.time.Duration.parse for PnDTnHnMnS (fractional seconds allowed), in milliseconds. */
export function parseDuration(text: string): number {
  const m = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+(?:[.,]\d{0,9})?)S)?)?$/i.exec(text);
  if (m === null || (m[2] === undefined && m[3] === undefined && m[4] === undefined && m[5] === undefined)) throw new ToolOptionError(`Text cannot be parsed to a Duration`);
  const n = (s: string | undefined) => (s === undefined ? 0 : Number(s.replace(',', '.')));
  const ms = ((n(m[2]) * 24 + n(m[3])) * 60 + n(m[4])) * 60_000 + n(m[5]) * 1000;
  return m[1] === '-' ? -ms : ms;
}

/** `t` (every partition) or `t:0,1,2`. */
export async function scopePartitions(admin: KafkaAdmin, o: ToolOptions, groupId: string): Promise<Partition[]> {
  if (o.has('all-topics')) return (await admin.listConsumerGroupOffsets(groupId)).map((c) => ({ topic: c.topic, partition: c.partition }));
  const out: Partition[] = [];
  const whole: string[] = [];
  for (const arg of o.values('topic')) {
    const colon = arg.indexOf(':');
    if (colon < 0) {
      whole.push(arg);
      continue;
    }
    const topic = arg.slice(0, colon);
    for (const p of arg.slice(colon + 1).split(',')) {
      if (!/^\d+$/.test(p.trim())) throw new ToolOptionError(`Invalid partition '${p}' specified in topic arg '${arg}''`);
      out.push({ topic, partition: Number(p.trim()) });
    }
  }
  if (whole.length > 0) for (const t of await admin.describeTopics(whole)) for (const p of t.partitions) out.push({ topic: t.name, partition: p.partition });
  return out;
}

async function offsetsAt(admin: KafkaAdmin, parts: readonly Partition[], spec: 'earliest' | 'latest' | bigint): Promise<Map<string, bigint>> {
  if (parts.length === 0) return new Map();
  const r = await admin.listOffsets(parts.map((p) => ({ ...p, spec })));
  return new Map([...r].map(([k, v]) => [k, v.offset]));
}

async function clamp(admin: KafkaAdmin, wanted: readonly PlannedOffset[], warn: (line: string) => void): Promise<PlannedOffset[]> {
  const starts = await offsetsAt(admin, wanted, 'earliest');
  const ends = await offsetsAt(admin, wanted, 'latest');
  return wanted.map((w) => {
    const tp = key(w);
    const end = ends.get(tp)!;
    const start = starts.get(tp)!;
    if (w.offset > end) {
      warn(formatLogLine('WARN', `New offset (${w.offset}) is higher than latest offset for topic partition ${tp}. Value will be set to ${end}`, LOGGER));
      return { ...w, offset: end };
    }
    if (w.offset < start) {
      warn(formatLogLine('WARN', `New offset (${w.offset}) is lower than earliest offset for topic partition ${tp}. Value will be set to ${start}`, LOGGER));
      return { ...w, offset: start };
    }
    return w;
  });
}

async function byTimestamp(admin: KafkaAdmin, parts: readonly Partition[], timestamp: number, print: (text: string) => void): Promise<PlannedOffset[]> {
  const found = await offsetsAt(admin, parts, BigInt(timestamp));
  const missing = parts.filter((p) => (found.get(key(p)) ?? -1n) < 0n);
  for (const p of missing) print(`\nWarn: Partition ${p.partition} from topic ${p.topic} is empty. Falling back to latest known offset.\n`);
  const ends = await offsetsAt(admin, missing, 'latest');
  return parts.map((p) => ({ ...p, offset: (found.get(key(p)) ?? -1n) >= 0n ? found.get(key(p))! : ends.get(key(p))! }));
}

export async function planReset(admin: KafkaAdmin, o: ToolOptions, groupId: string, io: { print: (text: string) => void; warn: (line: string) => void }): Promise<PlannedOffset[]> {
  if (o.has('from-file')) {
    const text = readFileSync(o.value('from-file')!, 'utf8');
    const wanted: PlannedOffset[] = [];
    for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
      const f = line.split(',');
      const [g, topic, partition, offset] = f.length >= 4 ? f : [groupId, ...f];
      if (g !== groupId) continue;
      wanted.push({ topic: topic!, partition: Number(partition), offset: BigInt(offset!.trim()) });
    }
    return clamp(admin, wanted, io.warn);
  }
  const parts = await scopePartitions(admin, o, groupId);
  if (o.has('to-offset')) return clamp(admin, parts.map((p) => ({ ...p, offset: BigInt(o.integer('to-offset')!) })), io.warn);
  if (o.has('to-earliest') || o.has('to-latest')) {
    const at = await offsetsAt(admin, parts, o.has('to-earliest') ? 'earliest' : 'latest');
    return parts.map((p) => ({ ...p, offset: at.get(key(p))! }));
  }
  if (o.has('shift-by') || o.has('to-current')) {
    const committed = new Map((await admin.listConsumerGroupOffsets(groupId)).map((c) => [key(c), c.offset]));
    if (o.has('to-current')) {
      const ends = await offsetsAt(admin, parts.filter((p) => !committed.has(key(p))), 'latest');
      return parts.map((p) => ({ ...p, offset: committed.get(key(p)) ?? ends.get(key(p))! }));
    }
    const shift = BigInt(o.integer('shift-by')!);
    return clamp(
      admin,
      parts.map((p) => {
        const current = committed.get(key(p));
        if (current === undefined) throw new ToolOptionError(`Cannot shift offset for partition ${key(p)} since there is no current committed offset`);
        return { ...p, offset: current + shift };
      }),
      io.warn,
    );
  }
  if (o.has('to-datetime')) return byTimestamp(admin, parts, parseDateTime(o.value('to-datetime')!), io.print);
  if (o.has('by-duration')) return byTimestamp(admin, parts, Date.now() - parseDuration(o.value('by-duration')!), io.print);
  throw new ToolOptionError(
    "Option '[reset-offsets]' requires one of the following scenarios: [to-offset], [shift-by], [to-datetime], [by-duration], [to-earliest], [to-latest], [to-current], [from-file]",
  );
}
