export * from './codec.js';
export * from './reader.js';
export * from './writer.js';
export * from './errors.js';
export * from './constants.js';
export type * from './records.generated.js';
