// The JSON documents of kafka-reassign-partitions (Kafka 2.8): the reassignment file
// `{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]}` (log_dirs
// optional), the topics file `{"version":1,"topics":[{"topic":"t"}]}`, and the compact form the tool prints.

/** Kafka's AdminCommandFailedException / AdminOperationException: printed as `Error: <message>` by the tool. */
export class ReassignCommandError extends Error {
  constructor(
    message: string,
    readonly javaClass = 'kafka.common.AdminCommandFailedException',
  ) {
    super(message);
  }
}

/** TerseReassignmentFailureException: the message alone, no `Error:` and no stack trace. */
export class TerseReassignmentFailure extends Error {}

export const ANY_LOG_DIR = 'any';

export interface PartitionTarget {
  topic: string;
  partition: number;
  replicas: number[];
}

export interface ParsedReassignment {
  /** In file order, duplicates kept (they are checked by the actions that care). */
  partitions: PartitionTarget[];
  /** `topic-partition-broker` → log dir, for the replicas given a dir other than "any". */
  logDirs: Map<string, string>;
}

export const tpName = (p: { topic: string; partition: number }): string => `${p.topic}-${p.partition}`;

/** compareTopicPartitions: by topic name, then partition. */
export function compareTopicPartitions(a: { topic: string; partition: number }, b: { topic: string; partition: number }): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  return a.partition - b.partition;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ReassignCommandError(`${what}: ${(err as Error).message}`, 'kafka.admin.AdminOperationException');
  }
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function field(o: Obj, name: string): unknown {
  if (!(name in o)) throw new ReassignCommandError(`No such field exists: \`${name}\``, 'com.fasterxml.jackson.databind.JsonMappingException');
  return o[name];
}

function int(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ReassignCommandError(`Expected \`${name}\` to be an Int, got ${JSON.stringify(v)}`, 'com.fasterxml.jackson.databind.JsonMappingException');
  return v;
}

function str(v: unknown, name: string): string {
  if (typeof v !== 'string') throw new ReassignCommandError(`Expected \`${name}\` to be a String, got ${JSON.stringify(v)}`, 'com.fasterxml.jackson.databind.JsonMappingException');
  return v;
}

function array(v: unknown, name: string): unknown[] {
  if (!Array.isArray(v)) throw new ReassignCommandError(`Expected \`${name}\` to be an array, got ${JSON.stringify(v)}`, 'com.fasterxml.jackson.databind.JsonMappingException');
  return v;
}

function version(o: Obj): number {
  return 'version' in o ? int(o.version, 'version') : 1;
}

const scalaList = (items: readonly (number | string)[]): string => `List(${items.join(', ')})`;

/** parsePartitionReassignmentData. */
export function parseReassignmentJson(text: string): ParsedReassignment {
  const js = parseJson(text, 'Failed to parse the reassignment JSON');
  if (!isObject(js)) throw new ReassignCommandError(`Expected JSON object, got ${JSON.stringify(js)}`, 'com.fasterxml.jackson.databind.JsonMappingException');
  const v = version(js);
  if (v !== 1) throw new ReassignCommandError(`Not supported version field value ${v}`, 'kafka.admin.AdminOperationException');
  const partitions: PartitionTarget[] = [];
  const logDirs = new Map<string, string>();
  for (const p of 'partitions' in js ? array(js.partitions, 'partitions') : []) {
    if (!isObject(p)) throw new ReassignCommandError(`Expected JSON object, got ${JSON.stringify(p)}`, 'com.fasterxml.jackson.databind.JsonMappingException');
    const topic = str(field(p, 'topic'), 'topic');
    const partition = int(field(p, 'partition'), 'partition');
    const replicas = array(field(p, 'replicas'), 'replicas').map((r) => int(r, 'replicas'));
    const dirs = 'log_dirs' in p ? array(p.log_dirs, 'log_dirs').map((d) => str(d, 'log_dirs')) : replicas.map(() => ANY_LOG_DIR);
    if (dirs.length !== replicas.length) {
      throw new ReassignCommandError(`Size of replicas list ${scalaList(replicas)} is different from size of log dirs list ${scalaList(dirs)} for partition ${topic}-${partition}`);
    }
    partitions.push({ topic, partition, replicas });
    replicas.forEach((r, i) => {
      if (dirs[i] !== ANY_LOG_DIR) logDirs.set(`${topic}-${partition}-${r}`, dirs[i]!);
    });
  }
  return { partitions, logDirs };
}

/** parseTopicsData. */
export function parseTopicsJson(text: string): string[] {
  let js: unknown;
  try {
    js = JSON.parse(text);
  } catch {
    throw new ReassignCommandError('The input string is not a valid JSON', 'kafka.admin.AdminOperationException');
  }
  if (!isObject(js)) throw new ReassignCommandError('The input string is not a valid JSON', 'kafka.admin.AdminOperationException');
  const v = version(js);
  if (v !== 1) throw new ReassignCommandError(`Not supported version field value ${v}`, 'kafka.admin.AdminOperationException');
  return ('topics' in js ? array(js.topics, 'topics') : []).map((t) => {
    if (!isObject(t)) throw new ReassignCommandError(`Expected JSON object, got ${JSON.stringify(t)}`, 'com.fasterxml.jackson.databind.JsonMappingException');
    return str(field(t, 'topic'), 'topic');
  });
}

/** CoreUtils.duplicates: each value that occurs more than once, in order of first occurrence. */
export function duplicates<T>(items: readonly T[], key: (t: T) => string = String): string[] {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).map(([k]) => k);
}

/** parseExecuteAssignmentArgs: the checks --execute makes before anything else. */
export function checkExecuteAssignment(parsed: ParsedReassignment): void {
  const parts = parsed.partitions;
  if (parts.length === 0) throw new ReassignCommandError('Partition reassignment list cannot be empty');
  if (parts.some((p) => p.replicas.length === 0)) throw new ReassignCommandError('Partition replica list cannot be empty');
  const dupParts = duplicates(parts, tpName);
  if (dupParts.length > 0) throw new ReassignCommandError(`Partition reassignment contains duplicate topic partitions: ${dupParts.join(',')}`);
  const dupReplicas = parts.map((p) => [tpName(p), duplicates(p.replicas)] as const).filter(([, d]) => d.length > 0);
  if (dupReplicas.length > 0) {
    throw new ReassignCommandError(`Partition replica lists may not contain duplicate entries: ${dupReplicas.map(([tp, d]) => `${tp} contains multiple entries for ${d.join(',')}`).join('. ')}`);
  }
}

/** formatAsReassignmentJson: sorted by topic and partition, every log dir "any". */
export function formatReassignmentJson(assignment: ReadonlyMap<string, PartitionTarget> | readonly PartitionTarget[]): string {
  const list = [...(Array.isArray(assignment) ? assignment : (assignment as ReadonlyMap<string, PartitionTarget>).values())].sort(compareTopicPartitions);
  return JSON.stringify({
    version: 1,
    partitions: list.map((p) => ({ topic: p.topic, partition: p.partition, replicas: p.replicas, log_dirs: p.replicas.map(() => ANY_LOG_DIR) })),
  });
}
