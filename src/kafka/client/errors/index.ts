export * from './kafka-protocol-error.js';
export * from './kafka-errors.js';
export * from './client-errors.js';
