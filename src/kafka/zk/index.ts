export * from './zk-data.js';
export * from './errors.js';
export * from './uuid.js';
export { KafkaZkClient, TopicExistsError, ensureChroot } from './kafka-zk-client.js';
export type { ControllerEpochZkState } from './kafka-zk-client.js';
