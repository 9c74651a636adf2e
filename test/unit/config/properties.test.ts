import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProperties, PropertiesSyntaxError } from '../../../src/config/properties.js';

test('key=value, key: value and key value, with line numbers', () => {
  const entries = parseProperties('a=1\n\nb: 2\n  c   3\nd\n');
  assert.deepEqual(entries, [
    { key: 'a', value: '1', line: 1 },
    { key: 'b', value: '2', line: 3 },
    { key: 'c', value: '3', line: 4 },
    { key: 'd', value: '', line: 5 },
  ]);
});

test('#, ! and ; comment lines are skipped; inline # and ; stay part of the value (as in Java)', () => {
  const entries = parseProperties('# one\n! two\n; three\ndataDir=/tmp/zk # not a comment\nx=a;b\n');
  assert.deepEqual(entries, [
    { key: 'dataDir', value: '/tmp/zk # not a comment', line: 4 },
    { key: 'x', value: 'a;b', line: 5 },
  ]);
});

test('a trailing backslash continues the line; the entry keeps its first line number', () => {
  const entries = parseProperties('first=1\n4lw.commands.whitelist=srvr, \\\n    ruok,\\\n  mntr\nlast=2\n');
  assert.deepEqual(entries, [
    { key: 'first', value: '1', line: 1 },
    { key: '4lw.commands.whitelist', value: 'srvr, ruok,mntr', line: 2 },
    { key: 'last', value: '2', line: 5 },
  ]);
});

test('an even number of trailing backslashes is an escaped backslash, not a continuation', () => {
  assert.deepEqual(parseProperties('p=C:\\\\\nq=1'), [
    { key: 'p', value: 'C:\\', line: 1 },
    { key: 'q', value: '1', line: 2 },
  ]);
});

test('escapes in keys and values', () => {
  assert.deepEqual(parseProperties('my\\ key\\=x = t\\tab \\u0041\\:'), [{ key: 'my key=x', value: 't\tab A:', line: 1 }]);
});

test('CRLF and CR line ends', () => {
  assert.deepEqual(parseProperties('a=1\r\nb=2\rc=3'), [
    { key: 'a', value: '1', line: 1 },
    { key: 'b', value: '2', line: 2 },
    { key: 'c', value: '3', line: 3 },
  ]);
});

test('values pass through ini verbatim: quotes, booleans, brackets, equals signs', () => {
  const text = 'q="quoted"\ns=\'single\'\nt=true\nn=null\nb=[x]\ne=a=b=c\n[section]\nk[]=v\n';
  assert.deepEqual(
    parseProperties(text).map((e) => [e.key, e.value]),
    [
      ['q', '"quoted"'],
      ['s', "'single'"],
      ['t', 'true'],
      ['n', 'null'],
      ['b', '[x]'],
      ['e', 'a=b=c'],
      ['[section]', ''],
      ['k[]', 'v'],
    ],
  );
});

test('a key given twice keeps the last value and its line, in first-appearance order', () => {
  assert.deepEqual(parseProperties('a=1\nb=2\na=3\n'), [
    { key: 'a', value: '3', line: 3 },
    { key: 'b', value: '2', line: 2 },
  ]);
});

test('a malformed \\u escape names its line', () => {
  assert.throws(() => parseProperties('a=1\nb=\\u00zz\n'), (err: unknown) => {
    assert.ok(err instanceof PropertiesSyntaxError);
    assert.equal(err.line, 2);
    return true;
  });
});
