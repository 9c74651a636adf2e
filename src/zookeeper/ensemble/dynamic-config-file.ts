// The files dynamic reconfiguration keeps next to zoo.cfg (QuorumPeer.setQuorumVerifier with writeToDisk):
// zoo.cfg.dynamic.<hex version> with the sorted server lines, and zoo.cfg rewritten without its membership lines
// (and without clientPort/clientPortAddress when this server's line carries its client address) plus a
// `dynamicConfigFile=` pointer. Each file is written to a temporary name, fsynced and renamed over the old one.
import * as fs from 'node:fs';
import { resolve } from 'node:path';
import { dynamicFileText, tryParseConfigText, type QuorumConfig } from '../quorum/quorum-config.js';
import { writeFileAtomicallySync } from '../storage/durable-file.js';

export function dynamicConfigPath(staticFile: string, version: bigint): string {
  return `${staticFile}.dynamic.${BigInt.asUintN(64, version).toString(16)}`;
}

/** QuorumPeerConfig.nextDynamicConfigFileSuffix: the config of the last reconfig seen and not yet active. */
export function nextDynamicConfigPath(staticFile: string): string {
  return `${staticFile}.dynamic.next`;
}

/**
 * QuorumPeer.setLastSeenQuorumVerifier(qv, true): zoo.cfg.dynamic.next holds a proposed config, its server lines and
 * its version line sorted together as writeDynamicConfig(..., needKeepVersion = true) writes them.
 */
export function writeNextDynamicConfig(staticFile: string, config: QuorumConfig): void {
  const text = `${dynamicFileText(config)}\nversion=${BigInt.asUintN(64, config.version).toString(16)}`.split('\n').sort().join('\n');
  writeFileAtomicallySync(nextDynamicConfigPath(staticFile), Buffer.from(text, 'utf8'));
}

/** The config zoo.cfg.dynamic.next holds (QuorumPeerConfig.parse's lastSeenQuorumVerifier), or null. */
export function readNextDynamicConfig(staticFile: string): QuorumConfig | null {
  let text: string;
  try {
    text = fs.readFileSync(nextDynamicConfigPath(staticFile), 'utf8');
  } catch {
    return null;
  }
  return tryParseConfigText(text);
}

/** setQuorumVerifier: once the last seen config is the active one, the next file goes. */
export function removeNextDynamicConfig(staticFile: string): void {
  fs.rmSync(nextDynamicConfigPath(staticFile), { force: true });
}

/** QuorumPeerConfig.backupOldConfig: zoo.cfg as written by hand, kept as zoo.cfg.bak. */
export function backupStaticConfig(staticFile: string): void {
  writeFileAtomicallySync(`${staticFile}.bak`, fs.readFileSync(staticFile));
}

/** Writes the dynamic file of `config` and points zoo.cfg at it; returns the dynamic file's path. */
export function writeDynamicConfig(staticFile: string, config: QuorumConfig, myid: number): string {
  const dynamicFile = resolve(dynamicConfigPath(staticFile, config.version));
  writeFileAtomicallySync(dynamicFile, Buffer.from(dynamicFileText(config), 'utf8'));
  const eraseClient = config.servers.get(myid)?.clientPort !== undefined;
  const kept = fs.readFileSync(staticFile, 'utf8').split(/\r?\n/).filter((line) => {
    const key = /^\s*([^\s=:#!]+)/.exec(line)?.[1];
    if (key === undefined) return line.trim() !== '';
    if (/^(server\.|group|weight|dynamicConfigFile|peerType)/.test(key)) return false;
    return !(eraseClient && (key === 'clientPort' || key === 'clientPortAddress'));
  });
  kept.push(`dynamicConfigFile=${dynamicFile}`);
  writeFileAtomicallySync(staticFile, Buffer.from(`${kept.join('\n')}\n`, 'utf8'));
  return dynamicFile;
}
