import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readSlice } from '../../../../../src/kafka/broker/replica/read-slice.js';

const MiB = 1024 * 1024;
const content = randomBytes(5 * MiB + 123);
let dir = '';
let fd = -1;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'zkafka-read-slice-'));
  const file = join(dir, 'segment.log');
  writeFileSync(file, content);
  fd = openSync(file, 'r');
});

after(() => {
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
});

test('a slice is read whole, whichever way its size reads it', async () => {
  for (const [position, length] of [[0, 100], [17, 64 * 1024 + 1], [1000, MiB - 3], [5, 2 * MiB + 1], [123, 4 * MiB + 5], [0, content.length]] as const) {
    const buf = await readSlice({ fd, position, length });
    assert.ok(buf !== null && buf.equals(content.subarray(position, position + length)), `${length} bytes at ${position}`);
  }
  const recent = await readSlice({ fd, position: MiB, length: 3 * MiB, recent: true }, true);
  assert.ok(recent!.equals(content.subarray(MiB, 4 * MiB)));
});

test('a slice past the end of the file gives the bytes up to the end, with no gap', async () => {
  // Read in parts, the last ones start past the end: only the contiguous bytes from the start count.
  const position = content.length - 2 * MiB - 10;
  const buf = await readSlice({ fd, position, length: 4 * MiB });
  assert.ok(buf!.equals(content.subarray(position)));
  assert.equal(await readSlice({ fd, position: 0, length: 0 }), null);
  assert.equal(await readSlice(null), null);
});
