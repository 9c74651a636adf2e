// The text kafka-reassign-partitions prints (Kafka 2.8), shared by the admin-API and ZooKeeper modes.
import { compareTopicPartitions, formatReassignmentJson, tpName, type PartitionTarget } from './reassign-json.js';
import { plural } from './reassign-throttles.js';

export interface PartitionReassignmentState {
  topic: string;
  partition: number;
  currentReplicas: readonly number[];
  targetReplicas: readonly number[];
  /** No reassignment of the partition is in progress. */
  done: boolean;
}

const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** partitionReassignmentStatesToString. */
export function reassignmentStatesText(states: readonly PartitionReassignmentState[]): string {
  const lines = ['Status of partition reassignment:'];
  const byPartition = new Map(states.map((s) => [tpName(s), s]));
  for (const s of [...byPartition.values()].sort(compareTopicPartitions)) {
    if (!s.done) lines.push(`Reassignment of partition ${tpName(s)} is still in progress.`);
    else if (sameList(s.currentReplicas, s.targetReplicas)) lines.push(`Reassignment of partition ${tpName(s)} is complete.`);
    else lines.push(`There is no active reassignment of partition ${tpName(s)}, but replica set is ${s.currentReplicas.join(',')} rather than ${s.targetReplicas.join(',')}.`);
  }
  return lines.join('\n');
}

/** currentPartitionReplicaAssignmentToString: the partitions of the proposal as they are now. */
export function currentAssignmentText(proposed: readonly PartitionTarget[], current: ReadonlyMap<string, PartitionTarget>): string {
  const wanted = new Set(proposed.map(tpName));
  const shown = [...current.values()].filter((p) => wanted.has(tpName(p)));
  return `Current partition replica assignment\n\n${formatReassignmentJson(shown)}\n\nSave this to use as the --reassignment-json-file option during rollback`;
}

export function startedText(proposed: readonly PartitionTarget[]): string {
  const names = [...new Map(proposed.map((p) => [tpName(p), p])).values()].sort(compareTopicPartitions).map(tpName);
  return `Successfully started partition reassignment${plural(names.length)} for ${names.join(',')}`;
}

export const YOU_MUST_RUN_VERIFY_PERIODICALLY = 'Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.';

export const CANNOT_EXECUTE_BECAUSE_OF_EXISTING =
  'Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one. The --additional flag can also be used to change the throttle by resubmitting the current reassignment.';

export const interBrokerThrottleText = (rate: number): string => `The inter-broker throttle limit was set to ${rate} B/s`;

/** curReassignmentsToString. */
export function ongoingReassignmentsText(ongoing: readonly { topic: string; partition: number; replicas: readonly number[]; addingReplicas: readonly number[]; removingReplicas: readonly number[] }[]): string {
  if (ongoing.length === 0) return 'No partition reassignments found.';
  const lines = [...ongoing].sort(compareTopicPartitions).map((r) => {
    const adding = r.addingReplicas.length === 0 ? '' : ` adding: ${r.addingReplicas.join(',')}.`;
    const removing = r.removingReplicas.length === 0 ? '' : ` removing: ${r.removingReplicas.join(',')}.`;
    return `${tpName(r)}: replicas: ${r.replicas.join(',')}.${adding}${removing}`;
  });
  return `Current partition reassignments:\n${lines.join('\n')}`;
}

export const clearingBrokerThrottlesText = (brokers: readonly number[]): string => `Clearing broker-level throttles on broker${plural(brokers.length)} ${brokers.join(',')}`;
export const clearingTopicThrottlesText = (topics: readonly string[]): string => `Clearing topic-level throttles on topic${plural(topics.length)} ${topics.join(',')}`;
