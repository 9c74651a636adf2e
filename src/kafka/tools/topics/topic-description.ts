// What kafka-topics --describe shows, as data (both backends fill it), which lines Kafka's DescribeOptions would
// print, and Kafka's exact text for them; --output json and table render the same selection.
export interface PartitionDescription {
  partition: number;
  /** null: no leader ("none"). */
  leader: number | null;
  replicas: number[];
  isr: number[];
  /** Present while a reassignment is in progress (bootstrap mode). */
  addingReplicas?: number[];
  removingReplicas?: number[];
  /** Replicas less those being added, while a reassignment runs (TopicCommand.getReplicationFactor). */
  replicationFactor?: number;
  /** min.insync.replicas of the topic, when known (bootstrap mode). */
  minIsr?: number;
}

export interface TopicDescription {
  name: string;
  /** null when the topic has no id (Uuid.ZERO_UUID): the TopicId field is left out. */
  topicId: string | null;
  partitionCount: number;
  replicationFactor: number;
  /** Non-default configs in the order Kafka prints them. */
  configs: [string, string][];
  markedForDeletion: boolean;
  partitions: PartitionDescription[];
}

export interface DescribeFilter {
  reportUnderReplicated: boolean;
  reportUnavailable: boolean;
  reportUnderMinIsr: boolean;
  reportAtMinIsr: boolean;
  reportOverriddenConfigs: boolean;
  liveBrokers: ReadonlySet<number>;
}

/** What is printed of one topic: its header line (or not) and the partitions that pass the report filters. */
export interface DescribedTopic {
  topic: TopicDescription;
  showHeader: boolean;
  partitions: PartitionDescription[];
}

const describeConfigs = (f: DescribeFilter) => !f.reportUnavailable && !f.reportUnderReplicated && !f.reportUnderMinIsr && !f.reportAtMinIsr;

/** DescribeOptions.maybePrintPartitionDescription and the header condition of describeTopic. */
export function selectDescribed(topic: TopicDescription, f: DescribeFilter): DescribedTopic {
  const showHeader = describeConfigs(f) && (!f.reportOverriddenConfigs || topic.configs.length > 0);
  const partitions = f.reportOverriddenConfigs
    ? []
    : topic.partitions.filter((p) => {
        const hasLeader = p.leader !== null;
        return (
          describeConfigs(f) ||
          (f.reportUnderReplicated && (p.replicationFactor ?? p.replicas.length) - p.isr.length > 0) ||
          (f.reportUnavailable && (!hasLeader || !f.liveBrokers.has(p.leader!))) ||
          (f.reportUnderMinIsr && (!hasLeader || (p.minIsr !== undefined && p.isr.length < p.minIsr))) ||
          (f.reportAtMinIsr && p.minIsr !== undefined && p.isr.length === p.minIsr)
        );
      });
  return { topic, showHeader, partitions };
}

export function topicLine(t: TopicDescription): string {
  return (
    `Topic: ${t.name}${t.topicId !== null ? `\tTopicId: ${t.topicId}` : ''}\tPartitionCount: ${t.partitionCount}` +
    `\tReplicationFactor: ${t.replicationFactor}\tConfigs: ${t.configs.map(([k, v]) => `${k}=${v}`).join(',')}` +
    `${t.markedForDeletion ? '\tMarkedForDeletion: true' : ''}`
  );
}

export function partitionLine(topic: string, p: PartitionDescription, markedForDeletion: boolean): string {
  let line = `\tTopic: ${topic}\tPartition: ${p.partition}\tLeader: ${p.leader ?? 'none'}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`;
  if (p.addingReplicas !== undefined) line += `\tAdding Replicas: ${p.addingReplicas.join(',')}\tRemoving Replicas: ${(p.removingReplicas ?? []).join(',')}`;
  return line + (markedForDeletion ? '\tMarkedForDeletion: true' : '');
}

/** Kafka's text: one header line per shown topic, one line per shown partition. */
export function describeText(described: readonly DescribedTopic[]): string {
  let out = '';
  for (const d of described) {
    if (d.showHeader) out += `${topicLine(d.topic)}\n`;
    for (const p of d.partitions) out += `${partitionLine(d.topic.name, p, d.topic.markedForDeletion)}\n`;
  }
  return out;
}

/** --output json: one document with the shown topics and partitions. */
export function describeJson(described: readonly DescribedTopic[]): string {
  const topics = described
    .filter((d) => d.showHeader || d.partitions.length > 0)
    .map((d) => ({
      topic: d.topic.name,
      topicId: d.topic.topicId,
      partitionCount: d.topic.partitionCount,
      replicationFactor: d.topic.replicationFactor,
      configs: Object.fromEntries(d.topic.configs),
      markedForDeletion: d.topic.markedForDeletion,
      partitions: d.partitions.map((p) => ({
        partition: p.partition,
        leader: p.leader,
        replicas: p.replicas,
        isr: p.isr,
        ...(p.addingReplicas !== undefined ? { addingReplicas: p.addingReplicas, removingReplicas: p.removingReplicas ?? [] } : {}),
      })),
    }));
  return `${JSON.stringify({ topics }, null, 2)}\n`;
}

/** --output table: one row per shown partition (a topic shown by its header only gets one row). */
export function describeTableRows(described: readonly DescribedTopic[]): { head: string[]; rows: string[][] } {
  const head = ['Topic', 'TopicId', 'Partition', 'Leader', 'Replicas', 'Isr', 'Configs'];
  const rows: string[][] = [];
  for (const d of described) {
    const configs = d.topic.configs.map(([k, v]) => `${k}=${v}`).join('\n');
    const id = d.topic.topicId ?? '';
    if (d.partitions.length === 0 && d.showHeader) rows.push([d.topic.name, id, `(${d.topic.partitionCount})`, '', '', '', configs]);
    d.partitions.forEach((p, i) => {
      rows.push([i === 0 ? d.topic.name : '', i === 0 ? id : '', String(p.partition), p.leader === null ? 'none' : String(p.leader), p.replicas.join(','), p.isr.join(','), i === 0 ? configs : '']);
    });
  }
  return { head, rows };
}
