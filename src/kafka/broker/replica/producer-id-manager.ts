// Producer ids for idempotent producers (Kafka 2.8's ZooKeeper-mode ProducerIdManager): each broker claims blocks
// of 1000 ids in /latest_producer_id_block with a conditional write (retrying when another broker won the race)
// and hands them out one by one, so no two producers anywhere get the same id, before or after a restart.
import { decodeProducerIdBlock, encodeProducerIdBlock, ZkPaths, type ProducerIdBlock } from '../../zk/zk-data.js';
import { BadVersionError, NodeExistsError, NoNodeError, type ZooKeeperClient } from '../../../zookeeper/client/index.js';

export const PRODUCER_ID_BLOCK_SIZE = 1000n;
const MAX_PRODUCER_ID = 0x7fffffffffffffffn;
/** Conditional writes lost in a row before giving up (each loss means another broker got a block). */
const MAX_CLAIM_ATTEMPTS = 100;

/** Where the latest block lives; a test may keep it anywhere, the broker keeps it in ZooKeeper. */
export interface ProducerIdBlockStore {
  /** The stored block (null when the node is missing or empty) and the version to write against (-1: missing). */
  read(): Promise<{ data: Buffer | null; version: number }>;
  /** Writes `data` if the version is still `version` (creates the node for -1); false when someone else wrote first. */
  conditionalWrite(data: Buffer, version: number): Promise<boolean>;
}

export class ZooKeeperProducerIdBlockStore implements ProducerIdBlockStore {
  /** `zk` may be a function giving the current session's client (a broker's session is replaced after expiry). */
  constructor(private readonly zkOrGetter: ZooKeeperClient | (() => ZooKeeperClient)) {}

  private get zk(): ZooKeeperClient {
    return typeof this.zkOrGetter === 'function' ? this.zkOrGetter() : this.zkOrGetter;
  }

  async read(): Promise<{ data: Buffer | null; version: number }> {
    try {
      const { data, stat } = await this.zk.getData(ZkPaths.latestProducerIdBlock);
      return { data: data && data.length > 0 ? data : null, version: stat.version };
    } catch (err) {
      if (err instanceof NoNodeError) return { data: null, version: -1 };
      throw err;
    }
  }

  async conditionalWrite(data: Buffer, version: number): Promise<boolean> {
    try {
      if (version === -1) await this.zk.create(ZkPaths.latestProducerIdBlock, data);
      else await this.zk.setData(ZkPaths.latestProducerIdBlock, data, version);
      return true;
    } catch (err) {
      if (err instanceof BadVersionError || err instanceof NodeExistsError || err instanceof NoNodeError) return false;
      throw err;
    }
  }
}

export class ProducerIdManager {
  private block: ProducerIdBlock | null = null;
  private next = 0n;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly brokerId: number, private readonly store: ProducerIdBlockStore) {}

  /** The next unused producer id, claiming a new block when the current one is used up. */
  generateProducerId(): Promise<bigint> {
    const run = this.queue.then(async () => {
      if (this.block === null || this.next > this.block.blockEnd) {
        this.block = await this.claimBlock();
        this.next = this.block.blockStart;
      }
      return this.next++;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async claimBlock(): Promise<ProducerIdBlock> {
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const { data, version } = await this.store.read();
      let block: ProducerIdBlock;
      if (data === null) {
        block = { brokerId: this.brokerId, blockStart: 0n, blockEnd: PRODUCER_ID_BLOCK_SIZE - 1n };
      } else {
        const current = decodeProducerIdBlock(data);
        if (current.blockEnd > MAX_PRODUCER_ID - PRODUCER_ID_BLOCK_SIZE) throw new Error('Have exhausted all producerIds.');
        block = { brokerId: this.brokerId, blockStart: current.blockEnd + 1n, blockEnd: current.blockEnd + PRODUCER_ID_BLOCK_SIZE };
      }
      if (await this.store.conditionalWrite(encodeProducerIdBlock(block), version)) return block;
    }
    throw new Error(`could not claim a producer id block in ${ZkPaths.latestProducerIdBlock} after ${MAX_CLAIM_ATTEMPTS} attempts`);
  }
}
