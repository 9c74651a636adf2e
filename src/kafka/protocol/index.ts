// The Kafka wire protocol: schemas generated from Kafka's message specs, one generic codec, the error table.
export * from './codec.js';
export { KafkaDecodeError, KafkaEncodeError } from './decode-error.js';
export * from './errors.js';
export { KafkaReader } from './reader.js';
export type { FieldSchema, MessageSchema, RawTaggedField } from './schema.js';
export * from './schemas/index.js';
export * from './varint.js';
export { KafkaWriter } from './writer.js';
