// DescribeLogDirs (key 35), versions 0-2: Kafka 2.8.2's range (v2 flexible; v3's top-level error and v4's disk
// sizes came later). Any broker answers for its own dirs. topics null means every partition; otherwise only the
// partitions asked for, and a dir that is offline is listed with KAFKA_STORAGE_ERROR and no topics, as Kafka does.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { DescribeLogDirsResponse } from '../../protocol/schemas/describe-log-dirs.js';
import type { LogDirsSource } from '../../admin/log-dirs-source.js';
import type { ApiHandler } from '../handler.js';

export function describeLogDirsHandler(source: LogDirsSource): ApiHandler<typeof ApiKey.DescribeLogDirs> {
  return {
    apiKey: ApiKey.DescribeLogDirs,
    minVersion: 0,
    maxVersion: 2,
    async handle(request): Promise<DescribeLogDirsResponse> {
      const wanted = request.topics === null ? null : new Map(request.topics.map((t) => [t.topic, new Set(t.partitions)]));
      const results: DescribeLogDirsResponse['results'] = [];
      for (const dir of await source.logDirs()) {
        if (dir.errorCode !== ErrorCode.NONE) {
          results.push({ errorCode: dir.errorCode, logDir: dir.path, topics: [] });
          continue;
        }
        const byTopic = new Map<string, DescribeLogDirsResponse['results'][number]['topics'][number]>();
        for (const p of dir.partitions) {
          if (wanted !== null && !wanted.get(p.topic)?.has(p.partition)) continue;
          const topic = byTopic.get(p.topic) ?? { name: p.topic, partitions: [] };
          topic.partitions.push({ partitionIndex: p.partition, partitionSize: p.size, offsetLag: p.offsetLag, isFutureKey: p.isFuture });
          byTopic.set(p.topic, topic);
        }
        results.push({ errorCode: ErrorCode.NONE, logDir: dir.path, topics: [...byTopic.values()] });
      }
      return { throttleTimeMs: 0, results };
    },
    errorResponse() {
      return { throttleTimeMs: 0, results: [] };
    },
  };
}
