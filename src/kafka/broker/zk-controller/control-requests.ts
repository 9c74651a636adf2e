// The controller's requests to brokers as wire bodies, at the versions a Kafka 2.8 controller sends with
// inter.broker.protocol.version 2.8 (2.8-IV1): LeaderAndIsr v5 and UpdateMetadata v7 (with topic ids), StopReplica v3
// (per-partition leader epochs and delete flags). ControlledShutdown v3 and AlterIsr v0 are what brokers send back.
import { ApiKey, type ApiMessages } from '../../protocol/index.js';
import type { BrokerRequest } from '../../controller/effects.js';
import { ZERO_UUID } from '../broker-metadata.js';

export const CONTROL_REQUEST_VERSIONS = {
  [ApiKey.LeaderAndIsr]: 5,
  [ApiKey.UpdateMetadata]: 7,
  [ApiKey.StopReplica]: 3,
  [ApiKey.ControlledShutdown]: 3,
  [ApiKey.AlterPartition]: 0,
} as const;

const SECURITY_PROTOCOL_IDS: Record<string, number> = { PLAINTEXT: 0, SSL: 1, SASL_PLAINTEXT: 2, SASL_SSL: 3 };

export type WireControlRequest =
  | { apiKey: typeof ApiKey.LeaderAndIsr; apiVersion: number; body: ApiMessages[typeof ApiKey.LeaderAndIsr]['request'] }
  | { apiKey: typeof ApiKey.UpdateMetadata; apiVersion: number; body: ApiMessages[typeof ApiKey.UpdateMetadata]['request'] }
  | { apiKey: typeof ApiKey.StopReplica; apiVersion: number; body: ApiMessages[typeof ApiKey.StopReplica]['request'] };

export function toWire(request: BrokerRequest): WireControlRequest {
  const common = { controllerId: request.controllerId, controllerEpoch: request.controllerEpoch, brokerEpoch: request.brokerEpoch };
  switch (request.api) {
    case 'LeaderAndIsr':
      return {
        apiKey: ApiKey.LeaderAndIsr,
        apiVersion: CONTROL_REQUEST_VERSIONS[ApiKey.LeaderAndIsr],
        body: {
          ...common,
          type: request.type,
          topicStates: request.topicStates.map((t) => ({
            topicName: t.topicName,
            topicId: t.topicId ?? ZERO_UUID,
            partitionStates: t.partitionStates.map((p) => ({
              topicName: t.topicName,
              partitionIndex: p.partitionIndex,
              controllerEpoch: p.controllerEpoch,
              leader: p.leader,
              leaderEpoch: p.leaderEpoch,
              isr: p.isr,
              partitionEpoch: p.zkVersion,
              replicas: p.replicas,
              addingReplicas: p.addingReplicas,
              removingReplicas: p.removingReplicas,
              isNew: p.isNew,
            })),
          })),
          liveLeaders: request.liveLeaders,
        },
      };
    case 'UpdateMetadata':
      return {
        apiKey: ApiKey.UpdateMetadata,
        apiVersion: CONTROL_REQUEST_VERSIONS[ApiKey.UpdateMetadata],
        body: {
          ...common,
          topicStates: request.topicStates.map((t) => ({
            topicName: t.topicName,
            topicId: t.topicId ?? ZERO_UUID,
            partitionStates: t.partitionStates.map((p) => ({ topicName: t.topicName, ...p })),
          })),
          liveBrokers: request.liveBrokers.map((b) => ({
            id: b.id,
            endpoints: b.endpoints.map((e) => ({ port: e.port, host: e.host, listener: e.listener, securityProtocol: SECURITY_PROTOCOL_IDS[e.securityProtocol] ?? 0 })),
            rack: b.rack,
          })),
        },
      };
    case 'StopReplica':
      return {
        apiKey: ApiKey.StopReplica,
        apiVersion: CONTROL_REQUEST_VERSIONS[ApiKey.StopReplica],
        body: { ...common, topicStates: request.topicStates },
      };
  }
}

export const SECURITY_PROTOCOL_NAMES: Record<number, string> = Object.fromEntries(Object.entries(SECURITY_PROTOCOL_IDS).map(([name, id]) => [id, name]));
