// ConfigCommand.parseConfigsToBeAdded: --add-config-file's properties, then --add-config's `k=v` pairs (commas
// inside [...] do not separate, the brackets are dropped), with Kafka's texts.
import { readFileSync } from 'node:fs';
import { parseProperties } from '../../../config/properties.js';
import { UncaughtToolError, illegalArgument } from '../kafka-tool-common.js';

/** Lookahead: the separator is not inside square brackets. */
const OUTSIDE_BRACKETS = '(?=[^\\]]*(?:\\[|$))';

export function parseConfigsToAdd(addConfig: string | undefined, addConfigFile: string | undefined, warn: (line: string) => void): Map<string, string> {
  const props = new Map<string, string>();
  if (addConfigFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(addConfigFile, 'utf8');
    } catch {
      throw new UncaughtToolError('java.nio.file.NoSuchFileException', addConfigFile);
    }
    for (const { key, value } of parseProperties(text)) props.set(key, value);
  }
  if (addConfig !== undefined) {
    // Java's split(regex) drops trailing empty strings; the pairs are split with limit -1, which keeps them.
    const entries = addConfig.split(new RegExp(`,${OUTSIDE_BRACKETS}`));
    while (entries.length > 0 && entries[entries.length - 1] === '') entries.pop();
    const pairs = entries.map((e) => e.split(new RegExp(`\\s*=\\s*${OUTSIDE_BRACKETS}`)));
    if (!pairs.every((p) => p.length === 2)) throw illegalArgument('requirement failed: Invalid entity config: all configs to be added must be in the format "key=val".');
    for (const [k, v] of pairs) props.set(k!.trim(), v!.replace(/\[?\]?/g, '').trim());
  }
  const format = props.get('message.format.version');
  if (format !== undefined) {
    warn(
      `WARNING: The configuration message.format.version=${format} is specified. This configuration will be ignored if the version is newer than the inter.broker.protocol.version specified in the broker.`,
    );
  }
  return props;
}
