/**
 * The Apache scripts take long options with one dash (`-daemon`, `-server host:port`); oclif would read
 * `-daemon` as a bundle of short flags. Rewrites the named ones to `--name` (also `-name=value`), up to `--`.
 */
export function singleDashToLong(argv: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  let passthrough = false;
  for (const arg of argv) {
    if (passthrough) {
      out.push(arg);
      continue;
    }
    if (arg === '--') passthrough = true;
    const match = /^-([A-Za-z][\w.-]+)(=.*)?$/.exec(arg);
    out.push(match && names.includes(match[1]!) ? `-${arg}` : arg);
  }
  return out;
}
