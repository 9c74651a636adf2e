// --generate (ReassignPartitionsCommand.calculateAssignment): for each topic, AdminUtils' replica assignment over the
// chosen brokers with as many partitions and replicas as the topic has, from a random start index and replica shift.
import { randomInt } from 'node:crypto';
import { AssignmentError, assignReplicasToBrokers, type BrokerMetadata } from '../../controller/assignment.js';
import { ReassignCommandError, duplicates, type PartitionTarget } from './reassign-json.js';

/** parseGenerateAssignmentArgs' broker list: "1,2,3" with no duplicates. */
export function parseBrokerList(text: string): number[] {
  const brokers = text.split(',').map((s) => {
    if (!/^[+-]?\d+$/.test(s)) throw new ReassignCommandError(`For input string: "${s}"`, 'java.lang.NumberFormatException');
    return Number(s);
  });
  const dup = duplicates(brokers);
  if (dup.length > 0) throw new ReassignCommandError(`Broker list contains duplicate entries: ${dup.join(',')}`);
  return brokers;
}

export function checkTopicsToMove(topics: readonly string[]): void {
  const dup = duplicates(topics);
  if (dup.length > 0) throw new ReassignCommandError(`List of topics to reassign contains duplicate entries: ${dup.join(',')}`);
}

/** getBrokerMetadata: the listed brokers that exist; racks only when rack awareness is on, and then all or none. */
export function brokerMetadataFor(all: readonly BrokerMetadata[], wanted: readonly number[], rackAware: boolean): BrokerMetadata[] {
  const chosen = all.filter((b) => wanted.includes(b.id)).map((b) => ({ id: b.id, rack: rackAware ? b.rack : null }));
  const rackless = chosen.filter((b) => b.rack === null).length;
  if (rackAware && rackless !== 0 && rackless !== chosen.length) {
    throw new ReassignCommandError('Not all brokers have rack information. Add --disable-rack-aware in command line to make replica assignment without rack information.', 'kafka.admin.AdminOperationException');
  }
  return chosen;
}

/** calculateAssignment; `random(n)` draws a uniform int in [0, n). */
export function calculateAssignment(current: readonly PartitionTarget[], brokers: readonly BrokerMetadata[], random: (n: number) => number = randomInt): PartitionTarget[] {
  const byTopic = new Map<string, PartitionTarget[]>();
  for (const p of current) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
  const out: PartitionTarget[] = [];
  for (const [topic, parts] of byTopic) {
    const n = brokers.length;
    try {
      const assigned = assignReplicasToBrokers({
        brokers,
        partitions: parts.length,
        replicationFactor: parts[0]!.replicas.length,
        startIndex: n > 0 ? random(n) : 0,
        replicaShift: n > 0 ? random(n) : 0,
      });
      for (const [partition, replicas] of assigned) out.push({ topic, partition, replicas });
    } catch (err) {
      if (!(err instanceof AssignmentError)) throw err;
      const javaClass = err.code === 'INVALID_REPLICATION_FACTOR' ? 'org.apache.kafka.common.errors.InvalidReplicationFactorException' : err.code === 'INVALID_PARTITIONS' ? 'org.apache.kafka.common.errors.InvalidPartitionsException' : 'kafka.admin.AdminOperationException';
      throw new ReassignCommandError(err.message, javaClass);
    }
  }
  return out;
}
