// The committed schema modules are exactly what scripts/gen-kafka.mjs makes from the specs (so the
// generator is deterministic and nobody edited its output by hand).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { KAFKA_SPECS_DIR, REPO_ROOT } from '../../../support/fixtures-dir.js';

const committedDir = path.join(REPO_ROOT, 'src', 'kafka', 'protocol', 'schemas');
const skip = existsSync(KAFKA_SPECS_DIR) ? false : `Kafka message specs not found at ${KAFKA_SPECS_DIR}`;

test('regenerating the schemas from the specs reproduces the committed files byte for byte', { skip }, () => {
  const out = mkdtempSync(path.join(tmpdir(), 'gen-kafka-'));
  try {
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'gen-kafka.mjs'), KAFKA_SPECS_DIR, '--out', out], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const generated = readdirSync(out).sort();
    assert.deepEqual(generated, readdirSync(committedDir).sort());
    for (const file of generated) {
      assert.equal(readFileSync(path.join(out, file), 'utf8'), readFileSync(path.join(committedDir, file), 'utf8'), `${file} differs: run npm run gen:kafka`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
