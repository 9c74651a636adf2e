// What kafka-configs --describe prints, as data both backends fill, and Kafka's text for it (plus zkafka's json and
// table renderings). Bootstrap mode lists entries with their sources and synonyms; ZooKeeper mode one line per entity.
export const CONFIG_SOURCE_NAMES: Readonly<Record<number, string>> = {
  1: 'DYNAMIC_TOPIC_CONFIG',
  2: 'DYNAMIC_BROKER_CONFIG',
  3: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  4: 'STATIC_BROKER_CONFIG',
  5: 'DEFAULT_CONFIG',
  6: 'DYNAMIC_BROKER_LOGGER_CONFIG',
};

export const sourceName = (id: number): string => CONFIG_SOURCE_NAMES[id] ?? 'UNKNOWN';

export interface DescribedEntry {
  name: string;
  value: string | null;
  sensitive: boolean;
  source: string;
  synonyms: { source: string; name: string; value: string | null }[];
}

export interface DescribedEntity {
  /** Kafka's heading (bootstrap mode) or the entity as ZooKeeper mode names it. */
  title: string;
  entityType: string;
  /** '' for the default entity. */
  entityName: string;
  entries: DescribedEntry[];
  /** Kafka's whole line for this entity when it is not the usual layout (bootstrap-mode quotas and SCRAM credentials). */
  line?: string;
}

/** Bootstrap mode: under each entity's heading, `  name=value sensitive=false synonyms={SOURCE:name=value, ...}`. */
export function entryLines(e: DescribedEntity): string {
  return e.entries.map((c) => `  ${c.name}=${c.value} sensitive=${c.sensitive} synonyms={${c.synonyms.map((s) => `${s.source}:${s.name}=${s.value}`).join(', ')}}\n`).join('');
}

/** ZooKeeper mode: `Configs for topic 't' are k=v,k2=v2`. */
export function describeZkText(entities: readonly DescribedEntity[]): string {
  return entities.map((e) => e.line !== undefined ? `${e.line}\n` : `Configs for ${e.title} are ${e.entries.map((c) => `${c.name}=${c.value}`).join(',')}\n`).join('');
}

export function describeConfigsJson(entities: readonly DescribedEntity[]): string {
  return `${JSON.stringify({ entities: entities.map((e) => ({ entityType: e.entityType, entityName: e.entityName, configs: e.entries })) }, null, 2)}\n`;
}

export function describeConfigsTable(entities: readonly DescribedEntity[]): { head: string[]; rows: string[][] } {
  const rows: string[][] = [];
  for (const e of entities) {
    const who = e.entityName === '' ? `${e.entityType} (default)` : `${e.entityType} ${e.entityName}`;
    if (e.entries.length === 0) rows.push([who, '', '', '']);
    e.entries.forEach((c, i) => rows.push([i === 0 ? who : '', c.name, c.value ?? 'null', c.source]));
  }
  return { head: ['Entity', 'Name', 'Value', 'Source'], rows };
}
