// The xerial snappy framing against snappy-java itself, the library the Java producer and broker use
// (Debian's libsnappy-java, installed with ZooKeeper): its SnappyOutputStream output must decompress here,
// and our framing must read back through its SnappyInputStream.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { compress, decompress } from '../../../../../src/kafka/protocol/records/compression/index.js';

const JAR = '/usr/share/java/snappy-java.jar';
const JAVA_SOURCE = `
import java.io.*;
import org.xerial.snappy.*;
public class Xerial {
  public static void main(String[] args) throws Exception {
    byte[] input = System.in.readAllBytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (args[0].equals("compress")) {
      try (SnappyOutputStream s = new SnappyOutputStream(out)) { s.write(input); }
    } else {
      try (SnappyInputStream s = new SnappyInputStream(new ByteArrayInputStream(input))) { s.transferTo(out); }
    }
    System.out.write(out.toByteArray());
    System.out.flush();
  }
}
`;

const java = spawnSync('java', ['-version']).status === 0;
const skip = !java ? 'java is not installed' : !existsSync(JAR) ? `${JAR} is not installed (Debian libsnappy-java)` : false;

describe('snappy-java interop', { skip }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xerial-'));
  const source = path.join(dir, 'Xerial.java');
  writeFileSync(source, JAVA_SOURCE);
  after(() => rmSync(dir, { recursive: true, force: true }));

  const runJava = (mode: string, input: Buffer): Buffer => {
    const r = spawnSync('java', ['-cp', JAR, source, mode], { input, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
    assert.equal(r.status, 0, `java ${mode}: ${r.stderr}`);
    return r.stdout;
  };

  const input = Buffer.from(Array.from({ length: 4000 }, (_, i) => `line ${i} offset=${i * 7919} topic=orders-${i % 5}\n`).join(''));

  it('reads what SnappyOutputStream writes, and SnappyInputStream reads what we write', async () => {
    const fromJava = runJava('compress', input);
    assert.equal(fromJava.subarray(0, 8).toString('hex'), '82534e4150505900');
    assert.deepEqual(await decompress(2, fromJava), input);
    const ours = await compress(2, input);
    assert.deepEqual(ours.subarray(0, 16), fromJava.subarray(0, 16), 'same stream header');
    assert.deepEqual(runJava('decompress', ours), input);
  });
});
