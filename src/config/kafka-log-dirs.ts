import { accessSync, constants as fsConstants, mkdirSync } from 'node:fs';
import { kafkaConfigError, type KafkaConfig } from './kafka-config.js';

/**
 * Creates every log directory (like `mkdir -p`, as Kafka does at start-up) and checks it is writable. Kafka 2.8
 * would start with some directories offline as long as one works; we refuse instead, so a typo in log.dirs is
 * reported at once rather than found later as missing partitions. The error names log.dirs (or log.dir).
 */
export function checkLogDirs(config: Pick<KafkaConfig, 'file' | 'sources' | 'logDirs'>): void {
  const key = config.sources.has('log.dirs') || !config.sources.has('log.dir') ? 'log.dirs' : 'log.dir';
  for (const dir of config.logDirs) {
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, fsConstants.W_OK | fsConstants.X_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw kafkaConfigError(config, key, `expected writable directories, got '${dir}' (${code})`);
    }
  }
}
