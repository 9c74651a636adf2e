// Which replicas a reassignment throttles (ReassignPartitionsCommand.calculateProposedMoveMap and friends): every
// partition's sources (its replicas before the move) and destinations (the new ones); the topic configs
// leader.replication.throttled.replicas = sources and follower.replication.throttled.replicas = destinations, as
// `partition:broker` lists, and the broker throttle rates on every broker involved.
import { ReassignCommandError, type PartitionTarget } from './reassign-json.js';

export const BROKER_LEADER_THROTTLE = 'leader.replication.throttled.rate';
export const BROKER_FOLLOWER_THROTTLE = 'follower.replication.throttled.rate';
export const BROKER_LOG_DIR_THROTTLE = 'replica.alter.log.dirs.io.max.bytes.per.second';
export const BROKER_THROTTLES = [BROKER_LEADER_THROTTLE, BROKER_FOLLOWER_THROTTLE, BROKER_LOG_DIR_THROTTLE];
export const TOPIC_LEADER_THROTTLE = 'leader.replication.throttled.replicas';
export const TOPIC_FOLLOWER_THROTTLE = 'follower.replication.throttled.replicas';
export const TOPIC_THROTTLES = [TOPIC_LEADER_THROTTLE, TOPIC_FOLLOWER_THROTTLE];

export interface PartitionMove {
  sources: Set<number>;
  destinations: Set<number>;
}

/** topic → partition → move. */
export type MoveMap = Map<string, Map<number, PartitionMove>>;

export interface OngoingReassignment {
  replicas: readonly number[];
  addingReplicas: readonly number[];
}

/** The moves of the ongoing reassignments (by `topic-partition`) plus the proposed ones. */
export function proposedMoveMap(
  ongoing: ReadonlyMap<string, OngoingReassignment & { topic: string; partition: number }>,
  proposed: readonly PartitionTarget[],
  current: ReadonlyMap<string, readonly number[]>,
): MoveMap {
  const moves: MoveMap = new Map();
  const partMoves = (topic: string) => {
    let m = moves.get(topic);
    if (!m) moves.set(topic, (m = new Map()));
    return m;
  };
  for (const r of ongoing.values()) {
    partMoves(r.topic).set(r.partition, { sources: new Set(r.replicas.filter((b) => !r.addingReplicas.includes(b))), destinations: new Set(r.addingReplicas) });
  }
  for (const p of proposed) {
    const m = partMoves(p.topic);
    const existing = m.get(p.partition);
    let sources: number[];
    if (existing) sources = [...existing.sources];
    else {
      const cur = current.get(`${p.topic}-${p.partition}`);
      if (cur === undefined) throw new ReassignCommandError(`Trying to reassign a topic partition ${p.topic}-${p.partition} with 0 replicas`, 'java.lang.RuntimeException');
      sources = [...cur];
    }
    m.set(p.partition, { sources: new Set(sources), destinations: new Set(p.replicas.filter((r) => !sources.includes(r))) });
  }
  return moves;
}

/** Strings in Java's natural order (TreeSet[String]). */
const sortedStrings = (items: Iterable<string>): string[] => [...new Set(items)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

export function leaderThrottles(moves: MoveMap): Map<string, string> {
  return new Map([...moves].map(([topic, parts]) => [topic, sortedStrings([...parts].flatMap(([p, m]) => [...m.sources].map((b) => `${p}:${b}`))).join(',')]));
}

export function followerThrottles(moves: MoveMap): Map<string, string> {
  return new Map(
    [...moves].map(([topic, parts]) => [topic, sortedStrings([...parts].flatMap(([p, m]) => [...m.destinations].filter((b) => !m.sources.has(b)).map((b) => `${p}:${b}`))).join(',')]),
  );
}

export function reassigningBrokers(moves: MoveMap): number[] {
  const out = new Set<number>();
  for (const parts of moves.values()) for (const m of parts.values()) for (const b of [...m.sources, ...m.destinations]) out.add(b);
  return [...out].sort((a, b) => a - b);
}

/**
 * How Scala prints a small immutable Set built by `++`: Set1..Set4 keep insertion order. Larger sets are hash sets
 * whose order follows the Ints' hashes; ascending order stands in for it.
 */
export function scalaSetOrder(items: Iterable<number>): number[] {
  const distinct = [...new Set(items)];
  return distinct.length <= 4 ? distinct : distinct.sort((a, b) => a - b);
}

export function scalaStringSetOrder(items: Iterable<string>): string[] {
  const distinct = [...new Set(items)];
  return distinct.length <= 4 ? distinct : sortedStrings(distinct);
}

export const plural = (n: number): string => (n === 1 ? '' : 's');
