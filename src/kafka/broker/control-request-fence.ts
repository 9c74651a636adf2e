// How a broker fences the controller's requests (LeaderAndIsr, StopReplica, UpdateMetadata), as Kafka 2.8's
// KafkaApis and ReplicaManager do: a request addressed to an older registration of this broker (broker epoch below
// the current one; -1 means unknown and passes) is STALE_BROKER_EPOCH, and one from a controller older than the
// newest this broker has heard from is STALE_CONTROLLER_EPOCH. One fence is shared by the three request kinds.

/** KafkaController.InitialControllerEpoch: the epoch a broker assumes before any controller has written to it. */
const INITIAL_CONTROLLER_EPOCH = 0;

export class ControlRequestFence {
  private latest = INITIAL_CONTROLLER_EPOCH;

  constructor(private readonly currentBrokerEpoch: () => bigint) {}

  isBrokerEpochStale(requestBrokerEpoch: bigint | undefined): boolean {
    if (requestBrokerEpoch === undefined || requestBrokerEpoch === -1n) return false;
    return requestBrokerEpoch < this.currentBrokerEpoch();
  }

  /** True (and remembered) unless `controllerEpoch` is older than the newest seen. */
  admitControllerEpoch(controllerEpoch: number): boolean {
    if (controllerEpoch < this.latest) return false;
    this.latest = controllerEpoch;
    return true;
  }

  get latestControllerEpoch(): number {
    return this.latest;
  }
}
