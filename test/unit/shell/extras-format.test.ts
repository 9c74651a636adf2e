import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globToRegExp } from '../../../src/zookeeper/shell/extras/glob.js';
import { dataView, hexDumpLines, indentJson } from '../../../src/zookeeper/shell/extras/znode-text.js';

test('globs match whole node names', () => {
  const cases: [string, string[], string[]][] = [
    ['w*', ['w', 'w1', 'workers'], ['aw', 'W1']],
    ['w?', ['w1', 'wx'], ['w', 'w10']],
    ['[a-c]x', ['ax', 'cx'], ['dx', 'x']],
    ['[!a]*', ['b', 'bar'], ['a', 'abc']],
    ['a.b', ['a.b'], ['axb']],
    ['\\*', ['*'], ['a']],
    ['(x)+', ['(x)+'], ['xx']],
    ['lock-*', ['lock-0000000001'], ['lock']],
  ];
  for (const [glob, yes, no] of cases) {
    const re = globToRegExp(glob);
    for (const name of yes) assert.ok(re.test(name), `${glob} should match ${name}`);
    for (const name of no) assert.ok(!re.test(name), `${glob} should not match ${name}`);
  }
  assert.throws(() => globToRegExp('[ab'), /Unclosed \[/);
  assert.throws(() => globToRegExp('ab\\'), /lone \\/);
});

test('JSON is indented without touching numbers or strings', () => {
  assert.equal(indentJson('{"id":12345678901234567890,"s":"a, b: {c}","n":[1, 2.50],"e":{},"f":[ ]}'), [
    '{',
    '  "id": 12345678901234567890,',
    '  "s": "a, b: {c}",',
    '  "n": [',
    '    1,',
    '    2.50',
    '  ],',
    '  "e": {},',
    '  "f": []',
    '}',
  ].join('\n'));
  assert.equal(indentJson('["q\\"uote,"]'), '[\n  "q\\"uote,"\n]');
});

test('data views: null, empty, text, JSON, binary', () => {
  assert.deepEqual(dataView(null), { kind: 'null', lines: ['null'], omittedBytes: 0 });
  assert.deepEqual(dataView(Buffer.alloc(0)), { kind: 'empty', lines: [''], omittedBytes: 0 });
  assert.deepEqual(dataView(Buffer.from('héllo\nworld')), { kind: 'text', lines: ['héllo', 'world'], omittedBytes: 0 });
  assert.deepEqual(dataView(Buffer.from('{"version":1,"brokers":[0]}')), {
    kind: 'json',
    lines: ['{', '  "version": 1,', '  "brokers": [', '    0', '  ]', '}'],
    omittedBytes: 0,
  });
  // A number alone is text, not a document worth indenting; broken JSON is text too.
  assert.equal(dataView(Buffer.from('42')).kind, 'text');
  assert.equal(dataView(Buffer.from('{"a":')).kind, 'text');
  assert.deepEqual(dataView(Buffer.from([0xde, 0xad, 0x00, 0x41])), { kind: 'binary', lines: ['00000000  de ad 00 41                                       |...A|'], omittedBytes: 0 });
  const cut = dataView(Buffer.alloc(40, 1), 20);
  assert.deepEqual(cut, {
    kind: 'binary',
    lines: ['00000000  01 01 01 01 01 01 01 01  01 01 01 01 01 01 01 01  |................|', '00000010  01 01 01 01                                       |....|'],
    omittedBytes: 20,
  });
  const longText = dataView(Buffer.from('é'.repeat(10)), 5);
  assert.deepEqual(longText, { kind: 'text', lines: ['éé'], omittedBytes: 16 });
});

test('hex dump as hexdump -C prints it', () => {
  assert.deepEqual(hexDumpLines(Buffer.from('Hello, ZooKeeper!\x7f')), [
    '00000000  48 65 6c 6c 6f 2c 20 5a  6f 6f 4b 65 65 70 65 72  |Hello, ZooKeeper|',
    '00000010  21 7f                                             |!.|',
  ]);
});
