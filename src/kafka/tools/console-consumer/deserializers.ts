// Kafka's serialization.*Deserializer classes the console consumer's formatter may be given, as functions from
// bytes to the text it prints (what toString of the deserialized value gives in Java).
export type Deserializer = (bytes: Buffer) => string;

function sized(name: string, size: number, read: (b: Buffer) => string): Deserializer {
  return (b) => {
    if (b.length !== size) throw new Error(`Size of data received by ${name} is not ${size}`);
    return read(b);
  };
}

const BY_NAME: Record<string, Deserializer> = {
  StringDeserializer: (b) => b.toString('utf8'),
  ByteArrayDeserializer: (b) => b.toString('latin1'),
  BytesDeserializer: (b) => b.toString('latin1'),
  LongDeserializer: sized('LongDeserializer', 8, (b) => b.readBigInt64BE(0).toString()),
  IntegerDeserializer: sized('IntegerDeserializer', 4, (b) => String(b.readInt32BE(0))),
  ShortDeserializer: sized('ShortDeserializer', 2, (b) => String(b.readInt16BE(0))),
  DoubleDeserializer: sized('DoubleDeserializer', 8, (b) => javaDouble(b.readDoubleBE(0))),
  FloatDeserializer: sized('FloatDeserializer', 4, (b) => javaDouble(b.readFloatBE(0))),
  UUIDDeserializer: (b) => b.toString('utf8'),
  VoidDeserializer: () => 'null',
};

/** Java's Double.toString for the common cases: integral values keep a `.0`. */
function javaDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return Number.isInteger(n) && Math.abs(n) < 1e7 ? `${n}.0` : String(n);
}

/** The deserializer for a Java class name (package optional); ByteArray-like raw output is the default. */
export function deserializerNamed(className: string): Deserializer | undefined {
  const short = className.trim().replace(/^org\.apache\.kafka\.common\.serialization\./, '');
  if (!(short in BY_NAME)) throw new Error(`java.lang.ClassNotFoundException: ${className.trim()}`);
  // Raw bytes print as they are: no deserializer pass.
  return short === 'ByteArrayDeserializer' || short === 'BytesDeserializer' ? undefined : BY_NAME[short];
}
