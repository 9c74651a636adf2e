// conf, envi, dirs: ZooKeeperServer.dumpConf, Environment.list, DirsCommand.
import { readdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import { resolve } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import type { FourLetterCall } from './context.js';

/** Bytes of every file under `dir` (ZooKeeperServer.getDirSize); 0 when it cannot be read. */
function dirSizeBytes(dir: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const path = resolve(dir, e.name);
    if (e.isDirectory()) total += dirSizeBytes(path);
    else {
      try {
        total += statSync(path).size;
      } catch {
        // removed meanwhile (snapshot purge)
      }
    }
  }
  return total;
}

// Apache's getDataDirSize measures the txn log directory and getLogDirSize the snapshot directory (the two are
// swapped in 3.8); here each label measures the directory it names. They agree when dataLogDir is not set.
function dataDirSize(call: FourLetterCall): number {
  return dirSizeBytes(call.ctx.snapDir);
}

function logDirSize(call: FourLetterCall): number {
  return dirSizeBytes(call.ctx.logDir);
}

export function conf(call: FourLetterCall): string {
  const { config, address } = call.ctx;
  const lines: [string, string | number][] = [
    // The port actually bound (Apache reads it from the listening socket), so port 0 shows the chosen one.
    ['clientPort', address.port],
    // We serve no TLS port; Apache prints -1 when it has none.
    ['secureClientPort', -1],
    ['dataDir', resolve(call.ctx.snapDir)],
    ['dataDirSize', dataDirSize(call)],
    ['dataLogDir', resolve(call.ctx.logDir)],
    ['dataLogSize', logDirSize(call)],
    ['tickTime', config.tickTimeMs],
    ['maxClientCnxns', config.maxClientCnxns],
    ['minSessionTimeout', config.minSessionTimeoutMs],
    ['maxSessionTimeout', config.maxSessionTimeoutMs],
    ['clientPortListenBacklog', config.clientPortListenBacklog],
    // A standalone server has no quorum id (Apache prints 0; its session ids use 1 regardless).
    ['serverId', config.mode === 'replicated' ? call.ctx.server.settings.serverId : 0],
  ];
  let text = lines.map(([k, v]) => `${k}=${v}\n`).join('');
  if (config.mode === 'replicated') {
    // QuorumPeerConfig's part of ConfCommand: limits, this server's ports and role, then the membership.
    const me = config.servers.get(call.ctx.server.settings.serverId);
    const quorum: [string, string | number][] = [
      ['initLimit', config.initLimitTicks ?? 0],
      ['syncLimit', config.syncLimitTicks ?? 0],
      ['electionAlg', 3],
      ['electionPort', me?.electionPort ?? -1],
      ['quorumPort', me?.quorumPort ?? -1],
      ['peerType', me?.role === 'observer' ? 1 : 0],
    ];
    text += quorum.map(([k, v]) => `${k}=${v}\n`).join('');
    text += 'membership: \n';
    for (const s of config.servers.values()) {
      text += `server.${s.id}=${s.host}:${s.quorumPort}:${s.electionPort}:${s.role}${s.clientPort !== undefined ? `;${s.clientHost ?? '0.0.0.0'}:${s.clientPort}` : ''}\n`;
    }
    text += 'version=0';
  }
  return text;
}

export function dirs(call: FourLetterCall): string {
  return `datadir_size: ${dataDirSize(call)}\nlogdir_size: ${logDirSize(call)}\n`;
}

/** Apache prints <NA> for a property the runtime does not have. */
const NA = '<NA>';

function javaOsName(): string {
  switch (process.platform) {
    case 'linux': return 'Linux';
    case 'darwin': return 'Mac OS X';
    case 'win32': return 'Windows';
    case 'freebsd': return 'FreeBSD';
    case 'sunos': return 'SunOS';
    case 'aix': return 'AIX';
    default: return os.type();
  }
}

function javaOsArch(): string {
  switch (process.arch) {
    case 'x64': return 'amd64';
    case 'ia32': return 'x86';
    case 'arm64': return 'aarch64';
    case 'ppc64': return os.endianness() === 'LE' ? 'ppc64le' : 'ppc64';
    default: return process.arch;
  }
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return NA;
  }
}

/**
 * The keys Apache prints, with this process's values. There is no Java runtime here, so java.version, java.vendor,
 * java.home, java.class.path, java.library.path and java.compiler are <NA> (Apache's marker for a missing
 * property) rather than Node's values under Java's names; java.io.tmpdir is the temp directory this process uses.
 * os.name and os.arch use Java's spellings. The memory lines are the JavaScript heap, the counterpart of Java's
 * Runtime free/max/total memory: unused part of the current heap, the heap limit, the current heap size.
 */
export function envi(call: FourLetterCall): string {
  const heap = getHeapStatistics();
  const mb = 1024 * 1024;
  const env: [string, string][] = [
    ['zookeeper.version', call.ctx.version],
    ['host.name', os.hostname()],
    ['java.version', NA],
    ['java.vendor', NA],
    ['java.home', NA],
    ['java.class.path', NA],
    ['java.library.path', NA],
    ['java.io.tmpdir', os.tmpdir()],
    ['java.compiler', NA],
    ['os.name', javaOsName()],
    ['os.arch', javaOsArch()],
    ['os.version', os.release()],
    ['user.name', userName()],
    ['user.home', os.homedir()],
    ['user.dir', process.cwd()],
    ['os.memory.free', `${Math.floor((heap.total_heap_size - heap.used_heap_size) / mb)}MB`],
    ['os.memory.max', `${Math.floor(heap.heap_size_limit / mb)}MB`],
    ['os.memory.total', `${Math.floor(heap.total_heap_size / mb)}MB`],
  ];
  return `Environment:\n${env.map(([k, v]) => `${k}=${v}\n`).join('')}`;
}
