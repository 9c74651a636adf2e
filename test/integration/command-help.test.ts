// Every oclif command of the binary carries examples, and the help a user reaches shows them: `zkafka <cmd> --help`
// for the commands whose help is oclif's, `zkafka help <cmd>` for the Kafka tools, whose --help stays Kafka's own
// option table (checked line for line by each tool's own test; here only that it is not oclif's page).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runTool } from '../support/run-tool.js';

const COMMANDS_DIR = fileURLToPath(new URL('../../src/commands/', import.meta.url));
const MANIFEST = fileURLToPath(new URL('../../../oclif.manifest.json', import.meta.url));

/** What each Kafka tool's --help starts with: Kafka's text, not oclif's. */
const KAFKA_HELP: Readonly<Record<string, string>> = {
  'kafka-topics': 'This tool helps to create, delete, describe, or change a topic.',
  'kafka-configs': 'This tool helps to manipulate and describe entity config for a topic, client, user, broker or ip',
  'console-consumer': 'This tool helps to read data from Kafka topics and outputs it to standard output.',
  'kafka-console-consumer': 'This tool helps to read data from Kafka topics and outputs it to standard output.',
  'console-producer': 'This tool helps to read data from standard input and publish it to Kafka.',
  'kafka-console-producer': 'This tool helps to read data from standard input and publish it to Kafka.',
  'kafka-consumer-groups': 'This tool helps to list all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.',
  'kafka-consumer-perf-test': 'This tool helps in performance test for the full zookeeper consumer',
  'kafka-reassign-partitions': 'This tool helps to move topic partitions between replicas.',
  'kafka-leader-election': 'This tool attempts to elect a new leader for a set of topic partitions.',
  'kafka-producer-perf-test': 'usage: producer-performance [-h] --topic TOPIC --num-records NUM-RECORDS',
  'producer-perf-test': 'usage: producer-performance [-h] --topic TOPIC --num-records NUM-RECORDS',
};

interface CommandClass {
  examples?: string[];
  aliases?: string[];
}

async function commandClasses(): Promise<Map<string, CommandClass>> {
  const classes = new Map<string, CommandClass>();
  for (const file of readdirSync(COMMANDS_DIR).filter((f) => f.endsWith('.js')).sort()) {
    const module = (await import(new URL(file, `file://${COMMANDS_DIR}`).href)) as { default: CommandClass };
    classes.set(file.replace(/\.js$/, ''), module.default);
  }
  return classes;
}

const rendered = (example: string) => `$ ${example.replaceAll('<%= config.bin %>', 'zkafka')}`;

test('every command class has examples, each an invocation of that command or one of its aliases', async () => {
  const classes = await commandClasses();
  assert.ok(classes.size >= 12, `only ${classes.size} command classes found in ${COMMANDS_DIR}`);
  for (const [id, cls] of classes) {
    assert.ok(Array.isArray(cls.examples) && cls.examples.length > 0, `${id} has no static examples`);
    const names = [id, ...(cls.aliases ?? [])];
    for (const example of cls.examples) {
      assert.ok(names.some((name) => example.startsWith(`<%= config.bin %> ${name} `) || example === `<%= config.bin %> ${name}`), `${id}: example does not run it: ${example}`);
    }
  }
  // The manifest oclif reads at run time carries them too (the build regenerates it).
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { commands: Record<string, { examples?: string[] }> };
  for (const [id, cls] of classes) assert.deepEqual(manifest.commands[id]?.examples, cls.examples, `${id} in oclif.manifest.json`);
});

test('--help shows the examples where it is oclif help; the Kafka tools keep their own --help and show them under `help <cmd>`', async () => {
  const classes = await commandClasses();
  let oclifPages = 0;
  for (const [id, cls] of classes) {
    for (const name of [id, ...(cls.aliases ?? [])]) {
      const help = await runTool(name, ['--help']);
      const kafkaHelp = KAFKA_HELP[name];
      if (kafkaHelp !== undefined) {
        assert.ok(help.stdout.startsWith(kafkaHelp) || help.stderr.startsWith(kafkaHelp), `${name} --help is no longer Kafka's:\n${help.stdout}${help.stderr}`);
        assert.doesNotMatch(help.stdout + help.stderr, /^EXAMPLES$/m);
        const page = await runTool('help', [name]);
        assert.equal(page.code, 0, `zkafka help ${name}: ${page.stderr}`);
        for (const example of cls.examples!) assert.ok(page.stdout.includes(rendered(example)), `zkafka help ${name} lacks ${rendered(example)}:\n${page.stdout}`);
      } else {
        assert.equal(help.code, 0, `${name} --help: ${help.stderr}`);
        assert.match(help.stdout, /^USAGE\n {2}\$ zkafka /m, `${name} --help is not oclif's page:\n${help.stdout}`);
        assert.match(help.stdout, new RegExp(`^ {2}\\$ zkafka ${name} `, 'm'), `${name} --help: usage names another command:\n${help.stdout}`);
        assert.match(help.stdout, /^EXAMPLES$/m, `${name} --help has no EXAMPLES:\n${help.stdout}`);
        for (const example of cls.examples!) assert.ok(help.stdout.includes(rendered(example)), `${name} --help lacks ${rendered(example)}:\n${help.stdout}`);
        oclifPages++;
      }
    }
  }
  // zookeeper-server-start/stop, kafka-server-start/stop, zkcli and zookeeper-shell at least.
  assert.ok(oclifPages >= 6, `only ${oclifPages} commands answered --help with oclif's page`);
});
