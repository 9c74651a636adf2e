// replica.alter.log.dirs.io.max.bytes.per.second, a dynamic broker config only (kafka-configs --entity-type brokers,
// or kafka-reassign-partitions --replica-alter-log-dirs-throttle): read from /config/brokers/<default> and then
// /config/brokers/<id>, again whenever the broker's dynamic configs change. Unset, moves are not limited.
import type { KafkaZkClient } from '../../zk/kafka-zk-client.js';
import { NoNodeError } from '../../../zookeeper/client/index.js';
import { ZkPaths, decodeConfigEntity } from '../../zk/zk-data.js';

export const REPLICA_ALTER_LOG_DIRS_IO_MAX_BYTES_PER_SECOND = 'replica.alter.log.dirs.io.max.bytes.per.second';

/** The limit the layers give (later layers win); Infinity when none sets a valid one. */
export function logDirMoveRate(...layers: readonly Readonly<Record<string, string>>[]): number {
  let rate = Number.POSITIVE_INFINITY;
  for (const layer of layers) {
    const text = layer[REPLICA_ALTER_LOG_DIRS_IO_MAX_BYTES_PER_SECOND];
    if (text === undefined || !/^\d+$/.test(text.trim())) continue;
    rate = Number(text.trim());
  }
  return rate;
}

export class LogDirThrottleConfig {
  private rate = Number.POSITIVE_INFINITY;

  constructor(private readonly zk: () => KafkaZkClient, private readonly brokerId: number) {}

  get bytesPerSecond(): number {
    return this.rate;
  }

  private async entity(name: string): Promise<Record<string, string>> {
    const path = ZkPaths.configEntity('brokers', name);
    try {
      return decodeConfigEntity((await this.zk().zk.getData(path)).data ?? Buffer.alloc(0), path);
    } catch (err) {
      if (err instanceof NoNodeError) return {};
      throw err;
    }
  }

  /** Reads the znodes again; a failed read keeps the limit known before. */
  async refresh(): Promise<void> {
    try {
      this.rate = logDirMoveRate(await this.entity('<default>'), await this.entity(String(this.brokerId)));
    } catch {
      // kept
    }
  }
}
