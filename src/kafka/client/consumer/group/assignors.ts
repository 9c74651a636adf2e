// Partition assignors run by the group leader. Names and algorithms are the Java client's (RangeAssignor,
// RoundRobinAssignor; CooperativeStickyAssignor's protocol in cooperative-sticky-assignor.ts) so groups mixing our consumers with Java or librdkafka ones agree on the protocol, plus
// kafkajs's round robin ("RoundRobinAssigner") so groups mixing ours with kafkajs consumers work too.
import type { Assignment, Subscription, TopicPartitionList } from './consumer-protocol.js';
import { CooperativeStickyAssignor } from './cooperative-sticky-assignor.js';

export interface GroupMemberSubscription {
  memberId: string;
  groupInstanceId: string | null;
  subscription: Subscription;
}

export interface PartitionAssignor {
  /** The protocol name sent in JoinGroup. */
  readonly name: string;
  /** Member id → assignment, for every member (those given nothing get an empty assignment). */
  assign(members: readonly GroupMemberSubscription[], partitionsPerTopic: ReadonlyMap<string, number>): Map<string, Assignment>;
}

/** The Java client's member order: by group.instance.id when both have one, else by member id. */
export function compareMembers(a: GroupMemberSubscription, b: GroupMemberSubscription): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) return a.groupInstanceId < b.groupInstanceId ? -1 : a.groupInstanceId > b.groupInstanceId ? 1 : 0;
  if (a.groupInstanceId !== null) return -1;
  if (b.groupInstanceId !== null) return 1;
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
}

class AssignmentBuilder {
  private readonly byMember = new Map<string, Map<string, number[]>>();

  constructor(members: readonly GroupMemberSubscription[]) {
    for (const m of members) this.byMember.set(m.memberId, new Map());
  }

  add(memberId: string, topic: string, partition: number): void {
    const topics = this.byMember.get(memberId)!;
    let list = topics.get(topic);
    if (list === undefined) topics.set(topic, (list = []));
    list.push(partition);
  }

  build(): Map<string, Assignment> {
    const out = new Map<string, Assignment>();
    for (const [memberId, topics] of this.byMember) {
      const partitions: TopicPartitionList[] = [...topics].map(([topic, list]) => ({ topic, partitions: list }));
      out.set(memberId, { partitions, userData: null });
    }
    return out;
  }
}

const sortedTopics = (partitionsPerTopic: ReadonlyMap<string, number>): string[] => [...partitionsPerTopic.keys()].sort();

/** Per topic, its subscribers in member order each get a contiguous range; the first n % members get one more. */
export class RangeAssignor implements PartitionAssignor {
  readonly name = 'range';

  assign(members: readonly GroupMemberSubscription[], partitionsPerTopic: ReadonlyMap<string, number>): Map<string, Assignment> {
    const out = new AssignmentBuilder(members);
    for (const topic of sortedTopics(partitionsPerTopic)) {
      const count = partitionsPerTopic.get(topic)!;
      const subscribers = members.filter((m) => m.subscription.topics.includes(topic)).sort(compareMembers);
      if (subscribers.length === 0) continue;
      const per = Math.floor(count / subscribers.length);
      const extra = count % subscribers.length;
      subscribers.forEach((m, i) => {
        const start = per * i + Math.min(i, extra);
        const length = per + (i + 1 > extra ? 0 : 1);
        for (let p = start; p < start + length; p++) out.add(m.memberId, topic, p);
      });
    }
    return out.build();
  }
}

/** Every partition (topics sorted, then partitions) goes to the next member in a circle that subscribes to its topic. */
export class RoundRobinAssignor implements PartitionAssignor {
  readonly name = 'roundrobin';

  assign(members: readonly GroupMemberSubscription[], partitionsPerTopic: ReadonlyMap<string, number>): Map<string, Assignment> {
    const out = new AssignmentBuilder(members);
    const circle = [...members].sort(compareMembers);
    if (circle.length === 0) return out.build();
    let next = 0;
    for (const topic of sortedTopics(partitionsPerTopic)) {
      if (!circle.some((m) => m.subscription.topics.includes(topic))) continue;
      for (let p = 0; p < partitionsPerTopic.get(topic)!; p++) {
        while (!circle[next % circle.length].subscription.topics.includes(topic)) next++;
        out.add(circle[next % circle.length].memberId, topic, p);
        next++;
      }
    }
    return out.build();
  }
}

/** kafkajs's RoundRobinAssigner: per topic, partition p goes to the (p mod members)-th member by member id. */
export class KafkajsRoundRobinAssignor implements PartitionAssignor {
  readonly name = 'RoundRobinAssigner';

  assign(members: readonly GroupMemberSubscription[], partitionsPerTopic: ReadonlyMap<string, number>): Map<string, Assignment> {
    const out = new AssignmentBuilder(members);
    const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
    for (const topic of partitionsPerTopic.keys()) {
      for (let p = 0; p < partitionsPerTopic.get(topic)!; p++) out.add(sorted[p % sorted.length].memberId, topic, p);
    }
    return out.build();
  }
}

export function assignorByName(name: string): PartitionAssignor | undefined {
  switch (name) {
    case 'cooperative-sticky':
    case 'cooperativesticky':
      return new CooperativeStickyAssignor();
    case 'range':
      return new RangeAssignor();
    case 'roundrobin':
      return new RoundRobinAssignor();
    case 'RoundRobinAssigner':
      return new KafkajsRoundRobinAssignor();
    default:
      return undefined;
  }
}
