// AlterReplicaLogDirs (key 34), versions 0-2 (the zkBroker range of the spec; v2 is flexible): move replicas this
// broker hosts to another of its log dirs, or remember the dir for a replica it will host. A partition named twice
// takes the last dir given, as Kafka's request map does; results are grouped by topic in request order.
import { ApiKey } from '../../protocol/index.js';
import type { AlterReplicaLogDirsResponse } from '../../protocol/schemas/alter-replica-log-dirs.js';
import type { ReplicaDirChange } from '../log-dirs/log-dir-mover.js';
import type { ApiHandler } from '../handler.js';

export interface ReplicaDirChanger {
  alterReplicaLogDirs(changes: readonly ReplicaDirChange[]): Promise<number[]>;
}

export function alterReplicaLogDirsHandler(mover: ReplicaDirChanger): ApiHandler<typeof ApiKey.AlterReplicaLogDirs> {
  return {
    apiKey: ApiKey.AlterReplicaLogDirs,
    minVersion: 0,
    maxVersion: 2,
    async handle(request): Promise<AlterReplicaLogDirsResponse> {
      const byPartition = new Map<string, ReplicaDirChange>();
      for (const dir of request.dirs) {
        for (const t of dir.topics) {
          for (const partition of t.partitions) {
            const key = `${t.name}\u0000${partition}`;
            byPartition.delete(key);
            byPartition.set(key, { topic: t.name, partition, path: dir.path });
          }
        }
      }
      const changes = [...byPartition.values()];
      const codes = await mover.alterReplicaLogDirs(changes);
      const topics = new Map<string, AlterReplicaLogDirsResponse['results'][number]>();
      changes.forEach((c, i) => {
        let t = topics.get(c.topic);
        if (!t) topics.set(c.topic, (t = { topicName: c.topic, partitions: [] }));
        t.partitions.push({ partitionIndex: c.partition, errorCode: codes[i]! });
      });
      return { throttleTimeMs: 0, results: [...topics.values()] };
    },
    errorResponse(request, errorCode) {
      const topics = new Map<string, AlterReplicaLogDirsResponse['results'][number]>();
      for (const dir of request.dirs) {
        for (const t of dir.topics) {
          let r = topics.get(t.name);
          if (!r) topics.set(t.name, (r = { topicName: t.name, partitions: [] }));
          for (const partition of t.partitions) r.partitions.push({ partitionIndex: partition, errorCode });
        }
      }
      return { throttleTimeMs: 0, results: [...topics.values()] };
    },
  };
}
