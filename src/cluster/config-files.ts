// zoo.cfg and server.properties for the nodes of a cluster, made from the documented files in templates/: the
// template's lines stay in order, the keys a node needs get its values (in place, or appended when the template lacks
// them), and the template's server.N lines give way to the ensemble's.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const TEMPLATES = new URL('../../../templates/', import.meta.url);

export function readTemplate(name: 'zoo.cfg' | 'server.properties'): string {
  return readFileSync(fileURLToPath(new URL(name, TEMPLATES)), 'utf8');
}

export interface EnsembleMember {
  id: number;
  host: string;
  quorumPort: number;
  electionPort: number;
}

const KEY = /^\s*([^#!\s=:][^=:\s]*)\s*[=:]/;

/**
 * The template with `values` set: an existing `key=value` line keeps its place with the new value, other keys are
 * appended in the order given. `servers`, when given, replace the template's server.N lines (at the first one's place).
 */
export function renderConfig(template: string, values: ReadonlyArray<readonly [string, string]>, servers?: readonly EnsembleMember[]): string {
  const wanted = new Map(values);
  const lines = template.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let serversPlaced = false;
  const serverLines = (servers ?? []).map((s) => `server.${s.id}=${s.host}:${s.quorumPort}:${s.electionPort}`);
  for (const line of lines) {
    const key = KEY.exec(line)?.[1];
    if (key !== undefined && servers && /^server\.\d+$/.test(key)) {
      if (!serversPlaced) out.push(...serverLines);
      serversPlaced = true;
      continue;
    }
    if (key !== undefined && wanted.has(key)) {
      out.push(`${key}=${wanted.get(key)!}`);
      wanted.delete(key);
      continue;
    }
    out.push(line);
  }
  for (const [key, value] of wanted) out.push(`${key}=${value}`);
  if (servers && !serversPlaced) out.push(...serverLines);
  return `${out.join('\n')}\n`;
}

export function writeText(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** What `myid` holds: the server's number and a newline (as `echo 1 > myid` writes it). */
export function myidText(id: number): string {
  return `${id}\n`;
}
