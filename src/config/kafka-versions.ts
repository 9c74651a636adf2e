/**
 * Kafka's ApiVersion names up to 2.8 (kafka.api.ApiVersion): what inter.broker.protocol.version and
 * log.message.format.version accept, and the record format (magic) each implies.
 */
const VERSIONS: ReadonlyArray<readonly [version: string, recordVersion: 0 | 1 | 2]> = [
  ['0.8.0', 0], ['0.8.1', 0], ['0.8.2', 0], ['0.9.0', 0],
  ['0.10.0-IV0', 0], ['0.10.0-IV1', 1], ['0.10.1-IV0', 1], ['0.10.1-IV1', 1], ['0.10.1-IV2', 1], ['0.10.2-IV0', 1],
  ['0.11.0-IV0', 2], ['0.11.0-IV1', 2], ['0.11.0-IV2', 2], ['1.0-IV0', 2], ['1.1-IV0', 2],
  ['2.0-IV0', 2], ['2.0-IV1', 2], ['2.1-IV0', 2], ['2.1-IV1', 2], ['2.1-IV2', 2], ['2.2-IV0', 2], ['2.2-IV1', 2],
  ['2.3-IV0', 2], ['2.3-IV1', 2], ['2.4-IV0', 2], ['2.4-IV1', 2], ['2.5-IV0', 2], ['2.6-IV0', 2],
  ['2.7-IV0', 2], ['2.7-IV1', 2], ['2.7-IV2', 2], ['2.8-IV0', 2], ['2.8-IV1', 2],
];

/** Full names and short forms (`2.8`, `0.10.0`): a short form means the last internal version of that release. */
const BY_NAME: ReadonlyMap<string, { index: number; recordVersion: 0 | 1 | 2 }> = (() => {
  const map = new Map<string, { index: number; recordVersion: 0 | 1 | 2 }>();
  VERSIONS.forEach(([version, recordVersion], index) => {
    map.set(version, { index, recordVersion });
    map.set(version.replace(/-IV\d+$/, ''), { index, recordVersion });
  });
  return map;
})();

/** ApiVersion.apply: `2.8.2` is read as `2.8`, `0.10.2.1` as `0.10.2` (releases before 1.0 have three parts). */
function lookUp(text: string): { index: number; recordVersion: 0 | 1 | 2 } | undefined {
  const parts = text.split('.');
  const key = parts.slice(0, text.startsWith('0.') ? 3 : 2).join('.');
  return BY_NAME.get(key);
}

export function isKafkaVersion(text: string): boolean {
  return lookUp(text) !== undefined;
}

/** The record format (0, 1 or 2) a version writes; undefined for an unknown version. */
export function recordVersionOf(text: string): 0 | 1 | 2 | undefined {
  return lookUp(text)?.recordVersion;
}

/** The oldest short version writing the given record format, as Kafka's message names it. */
export function minVersionForRecordVersion(recordVersion: 0 | 1 | 2): string {
  return recordVersion === 0 ? '0.8.0' : recordVersion === 1 ? '0.10.0' : '0.11.0';
}

/** Whether `text` names `min` or a later version (false for an unknown one). */
export function isKafkaVersionAtLeast(text: string, min: string): boolean {
  const a = lookUp(text);
  const b = lookUp(min);
  return a !== undefined && b !== undefined && a.index >= b.index;
}
