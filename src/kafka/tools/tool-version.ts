// What `--version` prints for the Kafka tools: the Kafka release whose tools these mirror, then ours.
export const KAFKA_TOOLS_VERSION = '2.8.2 (Commit:zkafka-0.1.0)';
