// DescribeCluster (key 60), version 0: Kafka 2.8.2's range (KIP-700, new in 2.8). The brokers on the request's
// listener, the cluster id and the controller, as Metadata has them. Without an authorizer every cluster operation
// is allowed, so asking for authorized operations gets the cluster's whole operation set (Kafka's
// authorizedOperations with no authorizer); not asking leaves Kafka's "not requested" value.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { DescribeClusterResponse } from '../../protocol/schemas/describe-cluster.js';
import type { BrokerMetadata } from '../broker-metadata.js';
import type { ApiHandler } from '../handler.js';

/** AclOperation ids a CLUSTER resource supports: CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE. */
const CLUSTER_OPERATIONS = [5, 7, 8, 9, 10, 11, 12];
export const ALL_CLUSTER_OPERATIONS = CLUSTER_OPERATIONS.reduce((bits, op) => bits | (1 << op), 0);
const NOT_REQUESTED = -2147483648;

export function describeClusterHandler(metadata: BrokerMetadata): ApiHandler<typeof ApiKey.DescribeCluster> {
  const answer = (listenerName: string, errorCode: number, authorized: number): DescribeClusterResponse => ({
    throttleTimeMs: 0,
    errorCode,
    errorMessage: null,
    clusterId: metadata.clusterId() ?? '',
    controllerId: metadata.controllerId(),
    brokers: metadata.aliveBrokers(listenerName).map((b) => ({ brokerId: b.id, host: b.host, port: b.port, rack: b.rack })),
    clusterAuthorizedOperations: authorized,
  });
  return {
    apiKey: ApiKey.DescribeCluster,
    minVersion: 0,
    maxVersion: 0,
    handle(request, rc) {
      return answer(rc.listenerName, ErrorCode.NONE, request.includeClusterAuthorizedOperations ? ALL_CLUSTER_OPERATIONS : NOT_REQUESTED);
    },
    errorResponse(_request, errorCode, rc) {
      return answer(rc.listenerName, errorCode, NOT_REQUESTED);
    },
  };
}
