// Builds the group coordinator's part of a broker from the broker's configuration and its injected parts (the
// replica manager's LocalPartitions, the admin side's TopicCreator, the metadata), on the system clock and Node
// timers.
import type { KafkaConfig } from '../../../config/kafka-config.js';
import { systemClock, TimerScheduler } from '../../storage/scheduler.js';
import type { LocalPartitions, TopicCreator } from '../broker-contracts.js';
import type { BrokerLog } from '../broker-log.js';
import type { BrokerMetadata } from '../broker-metadata.js';
import { CoordinatorLocator } from './coordinator-locator.js';
import { GROUP_METADATA_LOGGER, GroupCoordinatorService } from './group-coordinator-service.js';
import type { GroupHandlerDeps } from './group-handler-deps.js';

export interface GroupCoordinatorParts {
  deps: GroupHandlerDeps;
  shutdown(): void;
}

export function startGroupCoordinator(opts: {
  config: KafkaConfig;
  brokerId: number;
  partitions: LocalPartitions;
  topics: TopicCreator;
  metadata: BrokerMetadata;
  log: BrokerLog;
}): GroupCoordinatorParts {
  const scheduler = new TimerScheduler((name, err) => opts.log('ERROR', `Uncaught error in scheduled task '${name}': ${(err as Error)?.stack ?? String(err)}`, GROUP_METADATA_LOGGER));
  const groups = new GroupCoordinatorService({ config: opts.config, partitions: opts.partitions, clock: systemClock, scheduler, log: opts.log, brokerId: opts.brokerId });
  const locator = new CoordinatorLocator(opts.metadata, opts.topics, opts.config, opts.log);
  return {
    deps: { groups, locator, metadata: opts.metadata },
    shutdown() {
      groups.shutdown();
      scheduler.shutdown();
    },
  };
}
