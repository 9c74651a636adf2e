// Kafka's Uuid as it appears in ZooKeeper: 16 bytes written as URL-safe base64 without padding (22 characters).
// Topic ids (Uuid.toString, `topic_id` in /brokers/topics/<t>) and the cluster id (CoreUtils.generateUuidAsBase64,
// /cluster/id) use the same encoding; both start from a random (version 4) java.util.UUID.
import { KafkaZkDataError } from './errors.js';

export const UUID_BYTES = 16;
/** Uuid.ZERO_UUID, never handed out as a topic id. */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
/** Uuid.METADATA_TOPIC_ID = Uuid(0, 1), reserved. */
export const METADATA_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

export function uuidToBase64(bytes: Uint8Array): string {
  if (bytes.length !== UUID_BYTES) throw new RangeError(`a Uuid has ${UUID_BYTES} bytes, got ${bytes.length}`);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Uuid.fromString: URL-safe base64 (padding optional) that decodes to exactly 16 bytes. */
export function uuidFromBase64(text: string): Buffer {
  if (!/^[A-Za-z0-9_-]{22}(==)?$/.test(text)) throw new KafkaZkDataError(`Invalid UUID string: ${text}`);
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length !== UUID_BYTES) throw new KafkaZkDataError(`Invalid UUID string: ${text}`);
  return bytes;
}

/**
 * A random (version 4, IETF variant) UUID from 16 bytes the caller drew, as java.util.UUID.randomUUID() builds
 * it. Randomness is the caller's so that tests are deterministic.
 */
export function randomUuidBase64(randomBytes: Uint8Array): string {
  if (randomBytes.length !== UUID_BYTES) throw new RangeError(`need ${UUID_BYTES} random bytes, got ${randomBytes.length}`);
  const bytes = Buffer.from(randomBytes);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return uuidToBase64(bytes);
}
