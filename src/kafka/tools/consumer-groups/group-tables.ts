// The tables kafka-consumer-groups prints, laid out as Kafka 2.8's ConsumerGroupCommand formats them
// (String.format `%-Ns` columns, widths from the widest value with a minimum, `-` for a missing value).
export const MISSING = '-';

const col = (value: string | number | bigint | undefined, width: number) => String(value ?? MISSING).padEnd(width);

export interface OffsetRow {
  group: string;
  topic?: string;
  partition?: number;
  offset?: bigint;
  logEndOffset?: bigint;
  lag?: bigint;
  consumerId?: string;
  host?: string;
  clientId?: string;
}

/** --describe --offsets: a blank line, the header, one line per row. */
export function offsetsTable(rows: readonly OffsetRow[]): string {
  let [g, t, c, h] = [15, 15, 15, 15];
  for (const r of rows) {
    g = Math.max(g, r.group.length);
    t = Math.max(t, (r.topic ?? MISSING).length);
    c = Math.max(c, (r.consumerId ?? MISSING).length);
    h = Math.max(h, (r.host ?? MISSING).length);
  }
  const line = (v: (string | number | bigint | undefined)[]) =>
    `${col(v[0], g)} ${col(v[1], t)} ${col(v[2], 10)} ${col(v[3], 15)} ${col(v[4], 15)} ${col(v[5], 15)} ${col(v[6], c)} ${col(v[7], h)} ${String(v[8] ?? MISSING)}`;
  const out = ['', line(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'])];
  for (const r of rows) out.push(line([r.group, r.topic, r.partition, r.offset, r.logEndOffset, r.lag, r.consumerId, r.host, r.clientId]));
  return `${out.join('\n')}\n`;
}

export interface MemberRow {
  group: string;
  consumerId: string;
  groupInstanceId: string;
  host: string;
  clientId: string;
  partitions: { topic: string; partition: number }[];
}

/** --describe --members [--verbose]: GROUP-INSTANCE-ID only when some member has one; lines end after a space. */
export function membersTable(rows: readonly MemberRow[], verbose: boolean): string {
  let [g, c, i, h, cl] = [15, 15, 17, 15, 15];
  let withInstance = false;
  for (const r of rows) {
    g = Math.max(g, r.group.length);
    c = Math.max(c, r.consumerId.length);
    i = Math.max(i, r.groupInstanceId.length);
    h = Math.max(h, r.host.length);
    cl = Math.max(cl, r.clientId.length);
    withInstance ||= r.groupInstanceId.length > 0;
  }
  const line = (group: string, consumer: string, instance: string, host: string, client: string, count: string) =>
    withInstance
      ? `${col(group, g)} ${col(consumer, c)} ${col(instance, i)} ${col(host, h)} ${col(client, cl)} ${col(count, 15)} `
      : `${col(group, g)} ${col(consumer, c)} ${col(host, h)} ${col(client, cl)} ${col(count, 15)} `;
  let out = `\n${line('GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS')}${verbose ? 'ASSIGNMENT' : ''}\n`;
  for (const r of rows) {
    out += line(r.group, r.consumerId, r.groupInstanceId, r.host, r.clientId, String(r.partitions.length));
    if (verbose) out += assignmentText(r.partitions);
    out += '\n';
  }
  return out;
}

function assignmentText(partitions: readonly { topic: string; partition: number }[]): string {
  if (partitions.length === 0) return MISSING;
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  return [...byTopic]
    .map(([topic, list]) => `${topic}(${[...list].sort((a, b) => a - b).join(',')})`)
    .sort()
    .join(', ');
}

export interface StateRow {
  group: string;
  coordinator: string;
  assignmentStrategy: string;
  state: string;
  members: number;
}

/** --describe --state: the first column is as wide as the coordinator's (Kafka's layout, kept). */
export function stateTable(r: StateRow): string {
  const w = Math.max(25, r.coordinator.length);
  const line = (a: string, b: string, c: string, d: string, e: string) => `\n${col(a, w)} ${col(b, 25)} ${col(c, 20)} ${col(d, 15)} ${e}`;
  return `${line('GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS')}${line(r.group, r.coordinator, r.assignmentStrategy, r.state, String(r.members))}\n`;
}

/** --reset-offsets: a blank line and the header (when any group was handled), then GROUP TOPIC PARTITION NEW-OFFSET. */
export function resetTable(plans: ReadonlyMap<string, readonly { topic: string; partition: number; offset: bigint }[]>): string {
  if (plans.size === 0) return '';
  const line = (a: string, b: string, c: string, d: string) => `${col(a, 30)} ${col(b, 30)} ${col(c, 10)} ${col(d, 15)}`;
  const out = ['', line('GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET')];
  for (const [group, list] of plans) for (const p of list) out.push(line(group, p.topic, String(p.partition), String(p.offset)));
  return `${out.join('\n')}\n`;
}

/** --list --state */
export function groupStatesTable(list: readonly { groupId: string; state: string }[]): string {
  const w = list.reduce((m, g) => Math.max(m, g.groupId.length), 15);
  return [`${col('GROUP', w)} STATE`, ...list.map((g) => `${col(g.groupId, w)} ${g.state}`)].map((l) => `${l}\n`).join('');
}

/** --delete-offsets */
export function deleteOffsetsTable(rows: readonly { topic: string; partition: number; status: string }[]): string {
  const line = (a: string, b: string, c: string) => `${col(a, 30)} ${col(b, 15)} ${col(c, 15)}`;
  const out = ['', line('TOPIC', 'PARTITION', 'STATUS')];
  for (const r of [...rows].sort((a, b) => ((a.topic + a.partition) < (b.topic + b.partition) ? -1 : 1))) {
    out.push(line(r.topic, r.partition >= 0 ? String(r.partition) : 'Not Provided', r.status));
  }
  return `${out.join('\n')}\n`;
}
