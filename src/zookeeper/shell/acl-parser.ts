// zkCli's AclParser: `scheme:id:perms[,...]`; malformed entries and unknown permission letters are reported on
// stderr and skipped, as zkCli does.
import type { ACL } from '../client/index.js';
import { Perms } from '../jute/constants.js';

/** Java's String.split(regex) for a literal separator: trailing empty pieces are dropped. */
export function javaSplit(text: string, separator: string): string[] {
  if (text === '') return [''];
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

const PERM_LETTERS: Record<string, number> = { r: Perms.READ, w: Perms.WRITE, c: Perms.CREATE, d: Perms.DELETE, a: Perms.ADMIN };

function permsFromString(text: string, err: (line: string) => void): number {
  let perms = 0;
  for (const c of text) {
    const bit = PERM_LETTERS[c];
    if (bit === undefined) err(`Unknown perm type: ${c}`);
    else perms |= bit;
  }
  return perms;
}

export function parseAcl(text: string, err: (line: string) => void): ACL[] {
  const acl: ACL[] = [];
  for (const entry of javaSplit(text, ',')) {
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    if (first === -1 || first === last) {
      err(`${entry} does not have the form scheme:id:perm`);
      continue;
    }
    acl.push({ id: { scheme: entry.slice(0, first), id: entry.slice(first + 1, last) }, perms: permsFromString(entry.slice(last + 1), err) });
  }
  return acl;
}
