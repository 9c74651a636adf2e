export { KafkaController, type ControllerConfig, type Machines } from './controller.js';
export { Errors } from './error-codes.js';
export * from './effects.js';
export * from './events.js';
export * from './states.js';
export * from './election.js';
export * from './assignment.js';
export { ControllerContext, partitionKey } from './context.js';
export type { LiveBroker, Leadership, PartitionRef, ReplicaRef } from './context.js';
