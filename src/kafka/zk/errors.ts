// Errors of the Kafka ZooKeeper layer, named after the Kafka exceptions they stand for.

/** A znode holds data that is not the JSON (or text) Kafka writes there. */
export class KafkaZkDataError extends Error {
  override readonly name = 'KafkaZkDataError';
}

/**
 * Kafka's ControllerMovedException: another broker is controller, or the `/controller_epoch` version check of a
 * controller write failed (a newer controller exists). The controller must resign.
 */
export class ControllerMovedError extends Error {
  override readonly name = 'ControllerMovedError';
}

/**
 * `/brokers/ids/<id>` exists and belongs to another ZooKeeper session (another broker with the same id is
 * running, or the previous session of this broker has not expired yet). The message is the line Kafka logs
 * (KafkaZkClient.CheckedEphemeral) before its start-up fails with NodeExistsException.
 */
export class BrokerIdInUseError extends Error {
  override readonly name = 'BrokerIdInUseError';
  constructor(
    readonly path: string,
    readonly ownerSessionId: bigint,
    readonly sessionId: bigint,
    options?: ErrorOptions,
  ) {
    super(
      `Error while creating ephemeral at ${path}, node already exists and owner '${ownerSessionId}' does not match current session '${sessionId}'`,
      options,
    );
  }
}
