// zkCli's parsing rules without a server: the line splitter, commons-cli 1.5's DefaultParser as zkCli's commands
// use it, ACL strings, StatsTrack texts and the formats of stats. Expected values are what Apache's zkCli 3.8 does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAcl } from '../../../src/zookeeper/shell/acl-parser.js';
import { CliError, javaParseInt, javaParseLong, UncaughtJavaError } from '../../../src/zookeeper/shell/cli-error.js';
import { parseOptions } from '../../../src/zookeeper/shell/cli-options.js';
import { clientConfigString } from '../../../src/zookeeper/shell/commands/config.js';
import { aclLine, javaHex, permString, statLines } from '../../../src/zookeeper/shell/format.js';
import { parseCommandLine } from '../../../src/zookeeper/shell/line-parser.js';
import { StatsTrack } from '../../../src/zookeeper/shell/quota.js';

test('lines split on blanks; quoted words keep their blanks and lose their quotes', () => {
  assert.deepEqual(parseCommandLine('create /a "hello world"'), ['create', '/a', 'hello world']);
  assert.deepEqual(parseCommandLine("  set   /a 'x y'  "), ['set', '/a', 'x y']);
  assert.deepEqual(parseCommandLine('create /q2 "a \'b\' c"'), ['create', '/q2', "a 'b' c"]);
  // An unmatched quote is skipped; quotes inside a word stay.
  assert.deepEqual(parseCommandLine('set /q "unterminated value'), ['set', '/q', 'unterminated', 'value']);
  assert.deepEqual(parseCommandLine('set /q x"y"z'), ['set', '/q', 'x"y"z']);
  assert.deepEqual(parseCommandLine('get ""'), ['get', '']);
  // zkCli's pattern lets a blank start a word: a line of blanks is the command " ".
  assert.deepEqual(parseCommandLine('   '), [' ']);
  assert.deepEqual(parseCommandLine('"'), []);
});

const GET = { options: [{ name: 's', description: 'stats' }, { name: 'w', description: 'watch' }] };
const SET = { options: [{ name: 's', description: 'stats' }, { name: 'v', hasArg: true, description: 'version' }] };
const QUOTA = {
  options: ['n', 'b', 'N', 'B'].map((name) => ({ name, hasArg: true, description: `${name} quota` })),
  groups: [{ names: ['n', 'b', 'N', 'B'], required: true }],
};

function parseError(spec: Parameters<typeof parseOptions>[0], argv: string[]): string {
  try {
    parseOptions(spec, argv);
  } catch (err) {
    assert.ok(err instanceof CliError);
    return err.message;
  }
  assert.fail(`parsed: ${argv.join(' ')}`);
}

test('options as commons-cli DefaultParser reads them', () => {
  const bundled = parseOptions(GET, ['get', '-sw', '/x']);
  assert.deepEqual([bundled.has('s'), bundled.has('w'), bundled.args], [true, true, ['get', '/x']]);
  assert.equal(parseOptions(SET, ['set', '-v5', '/x', 'd']).value('v'), '5');
  assert.equal(parseOptions(SET, ['set', '-v=5', '/x', 'd']).value('v'), '5');
  assert.equal(parseOptions(SET, ['set', '-v', '-1', '/x', 'd']).value('v'), '-1');
  assert.equal(parseOptions(SET, ['set', '-v', '"7"', '/x', 'd']).value('v'), '7');
  assert.deepEqual(parseOptions(GET, ['get', '--', '-s']).args, ['get', '-s']);
  assert.deepEqual(parseOptions(GET, ['get', '/x', '-']).args, ['get', '/x', '-']);
  assert.equal(parseError(GET, ['get', '-q', '/x']), 'org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: -q');
  assert.equal(parseError(GET, ['get', '--s', '/x']), 'org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: --s');
  assert.equal(parseError(GET, ['get', '-s=1', '/x']), 'org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: -s=1');
  assert.equal(parseError(SET, ['set', '-v']), 'org.apache.commons.cli.MissingArgumentException: Missing argument for option: v');
  assert.equal(parseError(SET, ['set', '-v', '-s']), 'org.apache.commons.cli.MissingArgumentException: Missing argument for option: v');
  assert.equal(
    parseError(QUOTA, ['setquota', '/x']),
    'org.apache.commons.cli.MissingOptionException: Missing required option: [-n n quota, -b b quota, -N N quota, -B B quota]',
  );
  assert.equal(
    parseError(QUOTA, ['setquota', '-n', '1', '-b', '2', '/x']),
    "org.apache.commons.cli.AlreadySelectedException: The option 'b' was specified but an option from this group has already been selected: 'n'",
  );
  // Several letters make one option name for reconfig.
  const reconfig = { options: [{ name: 'add', hasArg: true, description: '' }, { name: 's', description: '' }] };
  assert.equal(parseOptions(reconfig, ['reconfig', '-add', 'server.5=h:1:2;3']).value('add'), 'server.5=h:1:2;3');
});

test("Java's number parsing: what zkCli leaves uncaught", () => {
  assert.equal(javaParseInt('+5'), 5);
  assert.throws(() => javaParseInt('abc'), (err: unknown) => err instanceof UncaughtJavaError && err.line === 'Exception in thread "main" java.lang.NumberFormatException: For input string: "abc"');
  assert.throws(() => javaParseInt('2147483648'), UncaughtJavaError);
  assert.equal(javaParseLong('-9223372036854775808'), -9223372036854775808n);
  assert.equal(javaParseLong('ff', 16), 255n);
  assert.throws(() => javaParseLong('9223372036854775808'), UncaughtJavaError);
});

test('ACL strings: bad entries and unknown letters are reported and skipped', () => {
  const errors: string[] = [];
  const acl = parseAcl('bad,world:anyone:rx,digest:u:h=:cdrwa,ip:10.0.0.1:', (l) => errors.push(l));
  assert.deepEqual(errors, ['bad does not have the form scheme:id:perm', 'Unknown perm type: x']);
  assert.deepEqual(acl, [
    { id: { scheme: 'world', id: 'anyone' }, perms: 1 },
    { id: { scheme: 'digest', id: 'u:h=' }, perms: 31 },
    { id: { scheme: 'ip', id: '10.0.0.1' }, perms: 0 },
  ]);
  assert.deepEqual(parseAcl('', () => {}), []);
  assert.equal(permString(31), 'cdrwa');
  assert.equal(aclLine({ id: { scheme: 'x509', id: 'CN=a,O=b}%' }, perms: 5 }), "'x509,'CN=a%2CO=b%7D%25\n: cr");
});

test('StatsTrack texts round-trip as zkCli writes them', () => {
  const limits = new StatsTrack();
  for (const key of ['count', 'bytes', 'countHardLimit', 'byteHardLimit']) limits.set(key, -1n);
  limits.set('countHardLimit', 2n);
  assert.equal(limits.toString(), 'count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=2');
  const read = new StatsTrack('count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=2');
  assert.deepEqual([read.count, read.bytes, read.countHardLimit, read.byteHardLimit], [-1n, -1n, 2n, -1n]);
  assert.equal(new StatsTrack('count=4,bytes=12').toString(), 'count=4,bytes=12');
  assert.equal(new StatsTrack(null).toString(), 'count=-1,bytes=-1');
});

test('stat lines, hex ids and the client connection string', () => {
  const lines = statLines({
    czxid: 2n,
    mzxid: 0x100000003n,
    ctime: 0n,
    mtime: 0n,
    version: 1,
    cversion: 2,
    aversion: 3,
    ephemeralOwner: -1n,
    dataLength: 5,
    numChildren: 0,
    pzxid: 2n,
  });
  assert.equal(lines.length, 11);
  assert.equal(lines[2], 'mZxid = 0x100000003');
  assert.equal(lines[8], 'ephemeralOwner = 0xffffffffffffffff');
  assert.match(lines[1]!, /^ctime = Thu Jan 01 \d\d:\d\d:\d\d \S+ 1970$|^ctime = Wed Dec 31 \d\d:\d\d:\d\d \S+ 1969$/);
  assert.equal(javaHex(0x7fn), '7f');
  assert.equal(clientConfigString(''), ' ');
  assert.equal(
    clientConfigString('server.1=127.0.0.1:2888:3888:participant;0.0.0.0:2181\nserver.2=h2:2888:3888;2182\nversion=100000000'),
    '100000000 0.0.0.0:2181,0.0.0.0:2182',
  );
});
