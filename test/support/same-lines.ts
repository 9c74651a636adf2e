// Line-by-line comparison of two transcripts with a readable failure: the first differing line, with context.
import assert from 'node:assert/strict';

const CONTEXT_LINES = 4;

function excerpt(lines: readonly string[], from: number, to: number, mark: number): string {
  const out: string[] = [];
  for (let i = Math.max(0, from); i < Math.min(lines.length, to); i++) out.push(`${i === mark ? '>' : ' '} ${i + 1}: ${lines[i]}`);
  if (mark >= lines.length) out.push(`> ${mark + 1}: (end)`);
  return out.join('\n');
}

/** Fails on the first line where `actual` (our server's transcript) differs from `expected` (Apache's). */
export function assertSameLines(actual: readonly string[], expected: readonly string[], what: string): void {
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (actual[i] === expected[i]) continue;
    const from = i - CONTEXT_LINES;
    const to = i + CONTEXT_LINES + 1;
    assert.fail(
      `${what}: line ${i + 1} differs: ours ${JSON.stringify(actual[i] ?? '(end)')}, Apache ${JSON.stringify(expected[i] ?? '(end)')} ` +
        `(ours ${actual.length} lines, Apache ${expected.length})\n` +
        `Apache:\n${excerpt(expected, from, to, i)}\nours:\n${excerpt(actual, from, to, i)}`,
    );
  }
}

/**
 * zkCli prints watch events from its own thread as println("\n" + text), so where one lands among the command
 * output is a race: splits a zkCli stdout into its other lines and its events. Blank lines are dropped on both
 * sides: they are the events' separators, and pairing each with its event would make a transcript depend on
 * thread timing.
 */
export function splitZkCliEvents(stdout: string): { lines: string[]; events: string[] } {
  const lines: string[] = [];
  const events: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line === '' || line === 'WATCHER::') continue;
    if (line.startsWith('WatchedEvent ')) events.push(line);
    else lines.push(line);
  }
  return { lines, events };
}
