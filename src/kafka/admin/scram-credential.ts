// SCRAM credentials as Kafka stores them in /config/users/<user> (ScramFormatter, ScramCredentialUtils, RFC 5802):
// salted password = PBKDF2-HMAC(password, salt, iterations) of the hash's length, stored key = H(HMAC(salted,
// "Client Key")), server key = HMAC(salted, "Server Key"), written as `salt=<b64>,stored_key=<b64>,server_key=<b64>,
// iterations=<n>`. Kafka's salt is the ASCII text of a random 130-bit number in base 36.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

export interface ScramMechanism {
  name: 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  /** The id DescribeUserScramCredentials and AlterUserScramCredentials use. */
  type: number;
  hash: 'sha256' | 'sha512';
  hashLength: number;
  minIterations: number;
  maxIterations: number;
}

/** ScramMechanism.values() without UNKNOWN, in Kafka's order. */
export const SCRAM_MECHANISMS: readonly ScramMechanism[] = [
  { name: 'SCRAM-SHA-256', type: 1, hash: 'sha256', hashLength: 32, minIterations: 4096, maxIterations: 16384 },
  { name: 'SCRAM-SHA-512', type: 2, hash: 'sha512', hashLength: 64, minIterations: 4096, maxIterations: 16384 },
];

export const DEFAULT_SCRAM_ITERATIONS = 4096;

export const scramMechanismNamed = (name: string): ScramMechanism | undefined => SCRAM_MECHANISMS.find((m) => m.name === name);
export const scramMechanismOfType = (type: number): ScramMechanism | undefined => SCRAM_MECHANISMS.find((m) => m.type === type);

export interface ScramCredential {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
  iterations: number;
}

/** ScramFormatter.secureRandomBytes: `new BigInteger(130, random).toString(36)` as bytes. */
export function scramSalt(): Buffer {
  const bits = randomBytes(17);
  bits[0]! &= 0x03; // 130 bits: 2 of the first byte and 16 whole bytes
  return Buffer.from(BigInt(`0x${bits.toString('hex')}`).toString(36), 'ascii');
}

/** ScramFormatter.hi: PBKDF2 with one block. */
export function saltedPassword(mechanism: ScramMechanism, password: string | Buffer, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(typeof password === 'string' ? Buffer.from(password, 'utf8') : password, salt, iterations, mechanism.hashLength, mechanism.hash);
}

/** ScramFormatter.generateCredential(salt, saltedPassword, iterations). */
export function credentialFromSalted(mechanism: ScramMechanism, salt: Buffer, salted: Buffer, iterations: number): ScramCredential {
  const clientKey = createHmac(mechanism.hash, salted).update('Client Key', 'utf8').digest();
  return {
    salt,
    storedKey: createHash(mechanism.hash).update(clientKey).digest(),
    serverKey: createHmac(mechanism.hash, salted).update('Server Key', 'utf8').digest(),
    iterations,
  };
}

/** ScramFormatter.generateCredential(password, iterations), with a fresh salt. */
export function generateScramCredential(mechanism: ScramMechanism, password: string, iterations: number, salt: Buffer = scramSalt()): ScramCredential {
  return credentialFromSalted(mechanism, salt, saltedPassword(mechanism, password, salt, iterations), iterations);
}

/** ScramCredentialUtils.credentialToString. */
export function credentialToString(c: ScramCredential): string {
  return `salt=${c.salt.toString('base64')},stored_key=${c.storedKey.toString('base64')},server_key=${c.serverKey.toString('base64')},iterations=${c.iterations}`;
}

/** ScramCredentialUtils.credentialFromString; throws on a malformed text. */
export function credentialFromString(text: string): ScramCredential {
  const props = new Map(text.split(',').map((kv) => {
    const eq = kv.indexOf('=');
    return [kv.slice(0, eq), kv.slice(eq + 1)] as const;
  }));
  const salt = props.get('salt');
  const storedKey = props.get('stored_key');
  const serverKey = props.get('server_key');
  const iterations = props.get('iterations');
  if (props.size !== 4 || salt === undefined || storedKey === undefined || serverKey === undefined || iterations === undefined || !/^\d+$/.test(iterations)) {
    throw new Error(`Credentials not valid: ${text}`);
  }
  return { salt: Buffer.from(salt, 'base64'), storedKey: Buffer.from(storedKey, 'base64'), serverKey: Buffer.from(serverKey, 'base64'), iterations: Number(iterations) };
}
