// Shell completion (@oclif/plugin-autocomplete): `zkafka autocomplete bash` prints the setup and builds the cache of
// completion functions in the cache dir; the bash function, sourced in a real bash, completes our commands, their
// aliases and flags; the zsh function lists them with their summaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBash } from '../support/bash.js';
import { RUN_JS } from '../support/kafka-broker-process.js';

const COMMANDS_DIR = fileURLToPath(new URL('../../src/commands/', import.meta.url));

/** Every command id and alias of the binary's own commands. */
async function commandNames(): Promise<string[]> {
  const names: string[] = [];
  for (const file of readdirSync(COMMANDS_DIR).filter((f) => f.endsWith('.js'))) {
    const { default: cls } = (await import(new URL(file, `file://${COMMANDS_DIR}`).href)) as { default: { aliases?: string[] } };
    names.push(file.replace(/\.js$/, ''), ...(cls.aliases ?? []));
  }
  return names.sort();
}

test('zkafka autocomplete bash: setup text, a cache that completes every command in bash and zsh', async (t) => {
  const cache = mkdtempSync(join(tmpdir(), 'zkafka-completion-'));
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  const env = { XDG_CACHE_HOME: cache, HOME: cache };
  const zkafka = `'${process.execPath}' '${RUN_JS}'`;

  const setup = await runBash(`${zkafka} autocomplete bash`, 60_000, { env });
  assert.equal(setup.code, 0, setup.stderr);
  assert.match(setup.stdout, /printf "\$\(zkafka autocomplete script bash\)" >> ~\/\.bashrc; source ~\/\.bashrc/);
  const script = await runBash(`${zkafka} autocomplete script bash`, 60_000, { env });
  assert.equal(script.code, 0, script.stderr);
  const setupFile = join(cache, 'zkafka', 'autocomplete', 'bash_setup');
  assert.ok(script.stdout.includes(`ZKAFKA_AC_BASH_SETUP_PATH=${setupFile}`), script.stdout);

  const names = await commandNames();
  assert.ok(names.includes('kafka-topics') && names.includes('zookeeper-shell'));
  // What bash offers after `zkafka <prefix><TAB>`, through the function the setup line sources.
  const complete = async (...words: string[]) => {
    const run = await runBash(
      `source '${setupFile}'; COMP_WORDS=(zkafka ${words.join(' ')}); COMP_CWORD=${words.length}; _zkafka_autocomplete; printf '%s\\n' "\${COMPREPLY[@]}"`,
      30_000,
      { env },
    );
    assert.equal(run.code, 0, run.stderr);
    return run.stdout.split('\n').filter((l) => l !== '').sort();
  };
  const all = await complete('');
  for (const name of names) assert.ok(all.includes(name), `zkafka <TAB> does not offer ${name}: ${all.join(' ')}`);
  assert.ok(all.includes('autocomplete'));
  assert.deepEqual(await complete('kafka-to'), ['kafka-topics']);
  assert.deepEqual(await complete('zookeeper-server-'), ['zookeeper-server-start', 'zookeeper-server-stop']);
  assert.deepEqual(await complete('kafka-server-start', '--'), ['--daemon', '--override']);

  const zsh = readFileSync(join(cache, 'zkafka', 'autocomplete', 'functions', 'zsh', '_zkafka'), 'utf8');
  for (const name of names) assert.match(zsh, new RegExp(`^"${name}\\[`, 'm'), `the zsh function does not list ${name}`);
  assert.match(zsh, /^"kafka-topics\[Create, delete, describe, or change a topic \(Kafka 2\.8's kafka-topics\.sh\)\.\]"/m);
});
