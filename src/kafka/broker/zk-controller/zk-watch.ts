// ZooKeeper watches that stay armed: each fires once, so the callback re-arms it with the read that reports the new
// value. A read lost to a dropped connection is retried once the session is connected again; after a session
// expiry the watch ends (the controller re-arms its watches on the new session).
import { ConnectionLossError, NoNodeError } from '../../../zookeeper/client/index.js';
import type { KafkaZkClient } from '../../zk/kafka-zk-client.js';

export type StopWatch = () => void;

type Read<T> = (zkc: KafkaZkClient, rearm: () => void) => Promise<T>;

function keepWatching<T>(kafkaZk: KafkaZkClient, read: Read<T>, onValue: (value: T) => void, onError: (err: unknown) => void): StopWatch {
  let stopped = false;
  const arm = (): void => {
    if (stopped) return;
    const zk = kafkaZk.zk;
    read(kafkaZk, arm).then(
      (value) => {
        if (!stopped) onValue(value);
      },
      (err: unknown) => {
        if (stopped) return;
        if (err instanceof ConnectionLossError && zk.state !== 'CLOSED') zk.waitForConnected(zk.negotiatedSessionTimeoutMs || 30_000).then(arm, () => {});
        else if (zk === kafkaZk.zk && zk.state !== 'CLOSED') onError(err);
      },
    );
  };
  arm();
  return () => {
    stopped = true;
  };
}

/** The children of `path` now and after every change. */
export function watchChildren(kafkaZk: KafkaZkClient, path: string, onChildren: (children: string[]) => void, onError: (err: unknown) => void): StopWatch {
  return keepWatching(kafkaZk, (k, rearm) => k.zk.getChildren(path, () => rearm()), onChildren, onError);
}

/** The data of `path` (null while it does not exist) now and after every change, creation or deletion. */
export function watchData(kafkaZk: KafkaZkClient, path: string, onData: (data: Buffer | null) => void, onError: (err: unknown) => void): StopWatch {
  const read: Read<Buffer | null> = async (k, rearm) => {
    try {
      return (await k.zk.getData(path, () => rearm())).data ?? Buffer.alloc(0);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      // Not there: wait for its creation instead (and read it if it appeared meanwhile).
      const stat = await k.zk.exists(path, () => rearm());
      if (stat === null) return null;
      return (await k.zk.getData(path)).data ?? Buffer.alloc(0);
    }
  };
  return keepWatching(kafkaZk, read, onData, onError);
}
