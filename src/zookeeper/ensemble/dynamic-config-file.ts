// The files dynamic reconfiguration keeps next to zoo.cfg (QuorumPeer.setQuorumVerifier with writeToDisk):
// zoo.cfg.dynamic.<hex version> with the sorted server lines, and zoo.cfg rewritten without its membership lines
// (and without clientPort/clientPortAddress when this server's line carries its client address) plus a
// `dynamicConfigFile=` pointer. Each file is written to a temporary name, fsynced and renamed over the old one.
import * as fs from 'node:fs';
import { resolve } from 'node:path';
import { dynamicFileText, type QuorumConfig } from '../quorum/quorum-config.js';
import { writeFileAtomicallySync } from '../storage/durable-file.js';

export function dynamicConfigPath(staticFile: string, version: bigint): string {
  return `${staticFile}.dynamic.${BigInt.asUintN(64, version).toString(16)}`;
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
