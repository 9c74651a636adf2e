// Compares two four-letter-word answers by structure: the same lines with the same keys, whatever the numbers,
// ids, dates and machine-specific values.

const DATE = /\b[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d [A-Z]{2,5} \d{4}\b/g;
const KEY_VALUE = /^([A-Za-z][\w./ -]*?)(=|\t|: )/;

/** One line reduced to what must match: its key, or its text with numbers, ids and values blanked. */
export function lineShape(line: string): string {
  const kv = KEY_VALUE.exec(line);
  if (kv) return `${kv[1]}${kv[2]}…`;
  return line
    .replace(DATE, '<date>')
    .replace(/0x[0-9a-f]+/gi, '#')
    .replace(/\d+(\.\d+)*/g, '#')
    .replace(/=([^,)]*)/g, '=…');
}

function listSome(shapes: string[], max = 12): string {
  const names = shapes.slice(0, max).map((k) => k.replace(/\t…$/, ''));
  return names.join(', ') + (shapes.length > max ? `, … (${shapes.length - max} more)` : '');
}

function lines(text: string): string[] {
  return text === '' ? [] : text.split('\n');
}

/** Human-readable differences; empty when the structures match. mntr keys are compared as a set (Apache's order is a hash order). */
export function fourLetterStructureDiffs(word: string, expected: string, actual: string): string[] {
  // dump groups sessions and connections by expiry time: how many groups there are depends on timing, not structure.
  const timed = (shape: string) => word === 'dump' && /^# expire at <date>:$/.test(shape);
  const want = lines(expected).map(lineShape).filter((l) => !timed(l));
  const got = lines(actual).map(lineShape).filter((l) => !timed(l));
  if (word === 'mntr') {
    const wantSet = new Set(want);
    const gotSet = new Set(got);
    const missing = [...wantSet].filter((k) => !gotSet.has(k));
    const extra = [...gotSet].filter((k) => !wantSet.has(k));
    const out: string[] = [];
    if (missing.length > 0) out.push(`missing ${missing.length} line(s): ${listSome(missing)}`);
    if (extra.length > 0) out.push(`unexpected ${extra.length} line(s): ${listSome(extra)}`);
    return out;
  }
  const out: string[] = [];
  if (want.length !== got.length) out.push(`${got.length} line(s), expected ${want.length}`);
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    if (want[i] !== got[i]) out.push(`line ${i + 1}: expected ${JSON.stringify(want[i] ?? null)}, got ${JSON.stringify(got[i] ?? null)}`);
  }
  return out;
}
