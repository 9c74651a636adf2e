// Topics named in a consumer's subscription (ConsumerProtocolSubscription, any version: int16 version,
// then an int32-count array of int16-length topic names). The coordinator needs only the topics, to
// refuse OffsetDelete on subscribed topics and to keep their offsets from expiring.

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/** The topics, or null when the bytes are not a consumer subscription (Kafka then treats none as subscribed). */
export function subscribedTopicsOf(subscription: Uint8Array): string[] | null {
  const view = new DataView(subscription.buffer, subscription.byteOffset, subscription.byteLength);
  let pos = 0;
  if (subscription.length < 6) return null;
  const version = view.getInt16(pos);
  pos += 2;
  if (version < 0) return null;
  const count = view.getInt32(pos);
  pos += 4;
  if (count < 0 || count > subscription.length) return null;
  const topics: string[] = [];
  for (let i = 0; i < count; i++) {
    if (pos + 2 > subscription.length) return null;
    const len = view.getInt16(pos);
    pos += 2;
    if (len < 0 || pos + len > subscription.length) return null;
    topics.push(Buffer.from(subscription.buffer, subscription.byteOffset + pos, len).toString('utf8'));
    pos += len;
  }
  return topics;
}

/** Encodes a version-0 subscription (topics, null user data); used by tests and simulations. */
export function encodeConsumerSubscription(topics: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(6);
  head.writeInt16BE(0, 0);
  head.writeInt32BE(topics.length, 2);
  parts.push(head);
  for (const t of topics) {
    const b = Buffer.from(t, 'utf8');
    const len = Buffer.alloc(2);
    len.writeInt16BE(b.length);
    parts.push(len, b);
  }
  const userData = Buffer.alloc(4);
  userData.writeInt32BE(-1);
  parts.push(userData);
  return Buffer.concat(parts);
}
