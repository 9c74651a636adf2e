// config and reconfig (/zookeeper/config).
import { readFileSync } from 'node:fs';
import { CliError, javaParseLong, UncaughtJavaError } from '../cli-error.js';
import type { ShellCommand } from '../command.js';
import { statJson, statLines } from '../format.js';
import { clientOf, define, parse, printJson, usageError } from './define.js';

/** The key=value pairs of a properties text, in order (enough for the dynamic config files zkCli reads). */
function properties(text: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const sep = line.search(/[=:]/);
    if (sep < 0) pairs.push([line, '']);
    else pairs.push([line.slice(0, sep).trim(), line.slice(sep + 1).trim()]);
  }
  return pairs;
}

/** ConfigUtils.getClientConfigStr: `<version> <host:port,...>` from the servers' client addresses. */
export function clientConfigString(config: string): string {
  let version = '';
  const hosts: string[] = [];
  for (const [key, value] of properties(config)) {
    if (key === 'version') version = value;
    if (!key.startsWith('server.')) continue;
    const client = value.split(';')[1];
    if (client === undefined) continue;
    const colon = client.lastIndexOf(':');
    hosts.push(colon < 0 ? `0.0.0.0:${client.trim()}` : `${client.slice(0, colon).trim()}:${client.slice(colon + 1).trim()}`);
  }
  return `${version} ${hosts.join(',')}`;
}

const CONFIG_OPTIONS = {
  options: [
    { name: 's', description: 'stats' },
    { name: 'w', description: 'watch' },
    { name: 'c', description: 'client connection string' },
  ],
};

const config = define({
  name: 'config',
  usage: '[-c] [-w] [-s]',
  summary: 'print the ensemble configuration (/zookeeper/config); -c only the client connection string',
  async java(argv, ctx) {
    const cl = parse(CONFIG_OPTIONS, argv);
    const { data, stat } = await clientOf(ctx).getConfig(cl.has('w') ? ctx.watcher : undefined);
    const text = data === null ? 'null' : data.toString('utf8');
    if (ctx.json) {
      const doc: Record<string, unknown> = cl.has('c') ? { connectString: clientConfigString(text) } : { config: text };
      if (cl.has('s')) doc['stat'] = statJson(stat);
      return printJson(ctx, doc);
    }
    ctx.output.out(cl.has('c') ? clientConfigString(text) : text);
    if (cl.has('s')) for (const line of statLines(stat)) ctx.output.out(line);
  },
});

const RECONFIG_OPTIONS = {
  options: [
    { name: 's', description: 'stats' },
    { name: 'v', hasArg: true, description: 'required current config version' },
    { name: 'file', hasArg: true, description: 'path of config file to parse for membership' },
    { name: 'members', hasArg: true, description: 'comma-separated list of config strings for non-incremental reconfig' },
    { name: 'add', hasArg: true, description: 'comma-separated list of config strings for new servers' },
    { name: 'remove', hasArg: true, description: 'comma-separated list of server IDs to remove' },
  ],
};

/** The membership lines of a dynamic config file (QuorumPeerConfig.parseDynamicConfig's input). */
function membersFromFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`Error processing ${file}${file} (No such file or directory)`);
  }
  return properties(text)
    .filter(([key]) => /^(server|group|weight)\./.test(key))
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

const reconfig = define({
  name: 'reconfig',
  usage:
    '[-s] [-v version] [[-file path] | [-members serverID=host:port1:port2;port3[,...]*]] | [-add serverId=host:port1:port2;port3[,...]]* [-remove serverId[,...]*]',
  summary: 'change the ensemble membership (needs reconfigEnabled on the servers)',
  async java(argv, ctx) {
    const cl = parse(RECONFIG_OPTIONS, argv);
    const [file, members, add, remove] = ['file', 'members', 'add', 'remove'].map((o) => cl.has(o)) as [boolean, boolean, boolean, boolean];
    if (!file && !members && !add && !remove) throw usageError(this);
    let version = -1n;
    if (cl.has('v')) {
      try {
        version = javaParseLong(cl.value('v'), 16);
      } catch (err) {
        if (err instanceof UncaughtJavaError) throw new CliError('-v must be followed by a long (configuration version)');
        throw err;
      }
    }
    if ((file || members) && (add || remove)) {
      throw new CliError("Can't use -file or -members together with -add or -remove (mixing incremental and non-incremental modes is not allowed)");
    }
    if (file && members) throw new CliError("Can't use -file and -members together (conflicting non-incremental modes)");
    const joining = add ? cl.value('add')!.toLowerCase() : null;
    const leaving = remove ? cl.value('remove')!.toLowerCase() : null;
    let newMembers = members ? cl.value('members')!.toLowerCase() : null;
    if (file) newMembers = membersFromFile(cl.value('file')!);
    const { data, stat } = await clientOf(ctx).reconfig({ joining, leaving, newMembers, fromConfig: version });
    ctx.output.out(`Committed new configuration:\n${data === null ? 'null' : data.toString('utf8')}`);
    if (cl.has('s')) for (const line of statLines(stat)) ctx.output.out(line);
  },
});

export const CONFIG_COMMANDS: ShellCommand[] = [config, reconfig];
