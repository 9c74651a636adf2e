// Leader election strategies of Kafka 2.8 (Election.scala, PartitionLeaderElectionAlgorithms). Pure: they look only
// at the assignment, the current ISR and which brokers count as live. Every successful election bumps the leader
// epoch (done by the caller, which also stamps its controller epoch).

export interface ElectionOutcome {
  leader: number;
  isr: number[];
  /** Brokers that must get the new state in a LeaderAndIsr request. */
  recipients: number[];
}

/**
 * Offline partitions (broker failure, failover, new partitions that could not get a leader): the first replica in
 * assignment order that is live and in the ISR; if none and unclean election is allowed, the first live replica
 * (the ISR becomes just that replica). New ISR = ISR ∩ live. Recipients: live replicas.
 */
export function offlinePartitionLeader(
  assignment: readonly number[],
  isr: readonly number[],
  isLive: (broker: number) => boolean,
  uncleanLeaderElectionEnabled: boolean,
): ElectionOutcome | null {
  const liveReplicas = assignment.filter(isLive);
  let leader = assignment.find((r) => isLive(r) && isr.includes(r));
  if (leader === undefined && uncleanLeaderElectionEnabled) leader = liveReplicas[0];
  if (leader === undefined) return null;
  const newIsr = isr.includes(leader) ? isr.filter(isLive) : [leader];
  return { leader, isr: newIsr, recipients: liveReplicas };
}

/** Reassignment: the first target replica that is live and in the ISR; ISR unchanged; recipients = targets. */
export function reassignPartitionLeader(
  targetReplicas: readonly number[],
  isr: readonly number[],
  isLive: (broker: number) => boolean,
): ElectionOutcome | null {
  const leader = targetReplicas.find((r) => isLive(r) && isr.includes(r));
  return leader === undefined ? null : { leader, isr: [...isr], recipients: [...targetReplicas] };
}

/** Preferred replica: the first assigned replica, only if it is live and in the ISR; recipients = all replicas. */
export function preferredReplicaLeader(
  assignment: readonly number[],
  isr: readonly number[],
  isLive: (broker: number) => boolean,
): ElectionOutcome | null {
  const preferred = assignment[0];
  if (preferred === undefined || !isLive(preferred) || !isr.includes(preferred)) return null;
  return { leader: preferred, isr: [...isr], recipients: [...assignment] };
}

/**
 * Controlled shutdown: the first assigned replica that is in the ISR, live and not shutting down; the new ISR
 * drops the shutting-down brokers. Recipients: replicas that are live or shutting down.
 */
export function controlledShutdownPartitionLeader(
  assignment: readonly number[],
  isr: readonly number[],
  isLiveOrShuttingDown: (broker: number) => boolean,
  isShuttingDown: (broker: number) => boolean,
): ElectionOutcome | null {
  const leader = assignment.find((r) => isr.includes(r) && isLiveOrShuttingDown(r) && !isShuttingDown(r));
  if (leader === undefined) return null;
  return { leader, isr: isr.filter((r) => !isShuttingDown(r)), recipients: assignment.filter(isLiveOrShuttingDown) };
}
