// SCRAM credentials as Kafka stores them: RFC 7677's SCRAM-SHA-256 example (user "user", password "pencil")
// checked against the stored and server keys (the server recovers the client key from the RFC's proof and hashes it
// to the stored key; the server key signs the RFC's server signature); the stored text round-trips; Kafka's salts;
// entity names URL-encoded as Kafka's Sanitizer does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { SCRAM_MECHANISMS, credentialFromString, credentialToString, generateScramCredential, scramSalt } from '../../../../src/kafka/admin/scram-credential.js';
import { desanitizeEntityName, sanitizeEntityName } from '../../../../src/kafka/admin/config-entity-name.js';

test("RFC 7677's SCRAM-SHA-256 exchange verifies against the stored and server keys", () => {
  const c = generateScramCredential(SCRAM_MECHANISMS[0]!, 'pencil', 4096, Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'));
  const nonce = 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
  const authMessage = `n=user,r=rOprNGfwEbeRWgbNEkqO,r=${nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=${nonce}`;
  const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
  const clientSignature = createHmac('sha256', c.storedKey).update(authMessage).digest();
  const clientKey = Buffer.from(proof.map((b, i) => b ^ clientSignature[i]!));
  assert.deepEqual(createHash('sha256').update(clientKey).digest(), c.storedKey);
  assert.equal(createHmac('sha256', c.serverKey).update(authMessage).digest('base64'), '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  const text = credentialToString(c);
  assert.equal(text, `salt=W22ZaJ0SNY7soEsUEjb6gQ==,stored_key=${c.storedKey.toString('base64')},server_key=${c.serverKey.toString('base64')},iterations=4096`);
  assert.deepEqual(credentialFromString(text), c);
});

test("Kafka's salts are the base-36 text of a random number below 2^130", () => {
  for (let i = 0; i < 50; i++) {
    const s = scramSalt().toString('ascii');
    assert.match(s, /^[0-9a-z]{1,26}$/);
    assert.ok([...s].reduce((n, ch) => n * 36n + BigInt(parseInt(ch, 36)), 0n) < 1n << 130n);
  }
});

test('entity names are URL-encoded as Kafka sanitizes them, and decoded back', () => {
  assert.equal(sanitizeEntityName('CN=alice, O=org'), 'CN%3Dalice%2C%20O%3Dorg');
  assert.equal(sanitizeEntityName('a*b.c-d_e~f'), 'a%2Ab.c-d_e%7Ef');
  assert.equal(sanitizeEntityName('ü'), '%C3%BC');
  assert.equal(desanitizeEntityName('CN%3Dalice%2C%20O%3Dorg'), 'CN=alice, O=org');
});
