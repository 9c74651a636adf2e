// What --describe shows of a group: its description (members with their decoded assignments), committed offsets
// and log-end offsets, gathered through the admin client as ConsumerGroupCommand gathers them.
import type { KafkaAdmin } from '../../client/admin/kafka-admin.js';
import type { GroupDescription } from '../../client/admin/admin-groups.js';
import { decodeAssignment } from '../../client/consumer/group/consumer-protocol.js';
import type { MemberRow, OffsetRow } from './group-tables.js';

export interface DescribedGroup {
  description: GroupDescription;
  /** Each member's partitions (decoded from its assignment; none when it is not the consumer protocol). */
  partitionsOf: Map<string, { topic: string; partition: number }[]>;
}

export async function describeGroup(admin: KafkaAdmin, groupId: string): Promise<DescribedGroup> {
  const [description] = await admin.describeGroups([groupId]);
  const partitionsOf = new Map<string, { topic: string; partition: number }[]>();
  for (const m of description!.members) {
    let list: { topic: string; partition: number }[] = [];
    if (description!.protocolType === 'consumer' || description!.protocolType === '') {
      try {
        list = decodeAssignment(m.assignment).partitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
      } catch {
        list = [];
      }
    }
    partitionsOf.set(m.memberId, list);
  }
  return { description: description!, partitionsOf };
}

/** Log-end offsets (ListOffsets latest); a partition whose lookup failed is left out (printed as `-`). */
async function logEndOffsets(admin: KafkaAdmin, partitions: readonly { topic: string; partition: number }[]): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  await Promise.all(
    partitions.map(async (p) => {
      try {
        const r = await admin.listOffsets([{ ...p, spec: 'latest' }]);
        for (const [k, v] of r) out.set(k, v.offset);
      } catch {
        // unknown
      }
    }),
  );
  return out;
}

const key = (p: { topic: string; partition: number }) => `${p.topic}-${p.partition}`;

/** The rows of --describe --offsets: members' partitions (busiest member first), then committed partitions nobody owns. */
export async function offsetRows(admin: KafkaAdmin, g: DescribedGroup): Promise<OffsetRow[]> {
  const groupId = g.description.groupId;
  const committed = await admin.listConsumerGroupOffsets(groupId);
  const committedBy = new Map(committed.map((c) => [key(c), c.offset]));
  const owned = g.description.members
    .map((m) => ({ m, parts: g.partitionsOf.get(m.memberId) ?? [] }))
    .filter((x) => x.parts.length > 0)
    .sort((a, b) => b.parts.length - a.parts.length);
  const ownedKeys = new Set(owned.flatMap((x) => x.parts.map(key)));
  const unowned = committed.filter((c) => !ownedKeys.has(key(c))).map((c) => ({ topic: c.topic, partition: c.partition }));
  const ends = await logEndOffsets(admin, [...owned.flatMap((x) => x.parts), ...unowned]);
  const row = (p: { topic: string; partition: number }, who: { consumerId: string; host: string; clientId: string }): OffsetRow => {
    const offset = committedBy.get(key(p));
    const end = ends.get(key(p));
    return { group: groupId, topic: p.topic, partition: p.partition, offset, logEndOffset: end, lag: offset !== undefined && end !== undefined ? end - offset : undefined, ...who };
  };
  const rows: OffsetRow[] = [];
  for (const { m, parts } of owned) {
    for (const p of [...parts].sort((a, b) => a.partition - b.partition)) rows.push(row(p, { consumerId: m.memberId, host: m.clientHost, clientId: m.clientId }));
  }
  const sortedUnowned = unowned.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  for (const p of sortedUnowned) rows.push(row(p, { consumerId: '-', host: '-', clientId: '-' }));
  return rows;
}

export function memberRows(g: DescribedGroup): MemberRow[] {
  return g.description.members.map((m) => ({
    group: g.description.groupId,
    consumerId: m.memberId,
    groupInstanceId: m.groupInstanceId ?? '',
    host: m.clientHost,
    clientId: m.clientId,
    partitions: g.partitionsOf.get(m.memberId) ?? [],
  }));
}
