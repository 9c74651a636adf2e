// The Kafka protocol error codes the controller answers with (org.apache.kafka.common.protocol.Errors).
export const Errors = {
  NONE: 0,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  BROKER_NOT_AVAILABLE: 8,
  NOT_CONTROLLER: 41,
  INVALID_REQUEST: 42,
  FENCED_LEADER_EPOCH: 74,
  STALE_BROKER_EPOCH: 77,
  PREFERRED_LEADER_NOT_AVAILABLE: 80,
  ELECTION_NOT_NEEDED: 84,
  INVALID_UPDATE_VERSION: 95,
} as const;
