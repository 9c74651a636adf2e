// The broker's side of a controlled shutdown (KafkaServer.controlledShutdown): ask the controller named in the
// metadata cache, on its inter-broker endpoint, to move leadership off this broker; try again after
// controlled.shutdown.retry.backoff.ms while it answers an error or still lists partitions this broker leads, at most
// controlled.shutdown.max.retries times, then stop anyway.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKey, ErrorCode } from '../protocol/index.js';
import { KAFKA_SERVER_LOGGER, type BrokerLog } from './broker-log.js';
import { BrokerNetworkClient } from './network-client.js';
import { CONTROL_REQUEST_VERSIONS } from './zk-controller/control-requests.js';
import type { ZkMetadataCache } from './zk-metadata-cache.js';

export interface ControlledShutdownOptions {
  brokerId: number;
  brokerEpoch: () => bigint;
  metadata: ZkMetadataCache;
  interBrokerListenerName: string;
  maxRetries: number;
  retryBackoffMs: number;
  socketTimeoutMs: number;
  log: BrokerLog;
}

/** True when the controller confirmed that this broker leads nothing it could hand over. */
export async function controlledShutdown(opts: ControlledShutdownOptions): Promise<boolean> {
  const prefix = `[KafkaServer id=${opts.brokerId}]`;
  const info = (message: string) => opts.log('INFO', `${prefix} ${message}`, KAFKA_SERVER_LOGGER);
  let client: BrokerNetworkClient | null = null;
  let controllerSeen = -1;
  try {
    for (let remaining = opts.maxRetries; remaining > 0; remaining--) {
      const controllerId = opts.metadata.controllerId();
      const endpoint = controllerId < 0 ? undefined : opts.metadata.aliveEndpoint(controllerId, opts.interBrokerListenerName);
      if (controllerId < 0) info('No controller present in the metadata cache');
      else if (!endpoint) info(`Broker registration for controller ${controllerId} is not available in the metadata cache`);
      else {
        if (!client || controllerSeen !== controllerId) {
          client?.close();
          client = new BrokerNetworkClient(endpoint.host === '' ? 'localhost' : endpoint.host, endpoint.port, `${opts.brokerId}-controlled-shutdown`, opts.socketTimeoutMs);
          controllerSeen = controllerId;
        }
        try {
          const response = await client.send(ApiKey.ControlledShutdown, CONTROL_REQUEST_VERSIONS[ApiKey.ControlledShutdown], { brokerId: opts.brokerId, brokerEpoch: opts.brokerEpoch() });
          if (response.errorCode === ErrorCode.NONE && response.remainingPartitions.length === 0) {
            info('Controlled shutdown succeeded');
            return true;
          }
          info(`Remaining partitions to move: ${response.remainingPartitions.map((p) => `${p.topicName}-${p.partitionIndex}`).join(',')}`);
          info(`Error from controller: ${response.errorCode}`);
        } catch (err) {
          client.close();
          client = null;
          opts.log(
            'WARN',
            `${prefix} Error during controlled shutdown, possibly because leader movement took longer than the configured controller.socket.timeout.ms and/or request.timeout.ms: ${(err as Error).message}`,
            KAFKA_SERVER_LOGGER,
          );
        }
      }
      if (remaining > 1) {
        await sleep(opts.retryBackoffMs);
        opts.log('WARN', `${prefix} Retrying controlled shutdown after the previous attempt failed...`, KAFKA_SERVER_LOGGER);
      }
    }
    return false;
  } finally {
    client?.close();
  }
}
