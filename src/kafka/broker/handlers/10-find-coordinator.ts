// FindCoordinator (key 10), versions 0-4: Kafka 2.8.2 advertises 0-3; v4 (KIP-699) batches keys in coordinatorKeys
// and answers one coordinator entry per key. v5 (TRANSACTION_ABORTABLE) and v6 (share groups) are not advertised.
// Group keys (key type 0) are answered with the leader of the group's __consumer_offsets partition; transaction keys
// (1) with the leader of the transactional id's __transaction_state partition (COORDINATOR_NOT_AVAILABLE on a broker
// without a transaction coordinator), and other key types INVALID_REQUEST.
// v0 must stay in the range: librdkafka and kafka-python test for it.
import { ApiKey, ErrorCode, errorInfo } from '../../protocol/index.js';
import type { FindCoordinatorResponse, FindCoordinatorResponseCoordinator } from '../../protocol/schemas/find-coordinator.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import { NO_NODE, type CoordinatorNode } from '../groups/coordinator-locator.js';
import type { GroupHandlerDeps } from '../groups/group-handler-deps.js';
import type { TxnHandlerDeps } from '../txn/txn-handler-deps.js';

const GROUP_KEY_TYPE = 0;
const TRANSACTION_KEY_TYPE = 1;

/** Kafka's Errors.message(): the error's default message, and for NONE its name. */
function messageOf(errorCode: number): string | null {
  return errorCode === ErrorCode.NONE ? 'NONE' : errorInfo(errorCode).message;
}

export function findCoordinatorHandler(deps: GroupHandlerDeps, txn?: TxnHandlerDeps): ApiHandler<typeof ApiKey.FindCoordinator> {
  const find = (key: string, keyType: number, ctx: RequestContext): CoordinatorNode => {
    if (keyType === TRANSACTION_KEY_TYPE) {
      if (txn === undefined) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, ...NO_NODE };
      return txn.locator.locate(txn.txn.partitionFor(key), ctx.listenerName);
    }
    if (keyType !== GROUP_KEY_TYPE) return { errorCode: ErrorCode.INVALID_REQUEST, ...NO_NODE };
    return deps.locator.locate(deps.groups.partitionFor(key), ctx.listenerName);
  };
  const single = (node: CoordinatorNode): FindCoordinatorResponse => ({ throttleTimeMs: 0, errorMessage: messageOf(node.errorCode), ...node });
  const batched = (key: string, node: CoordinatorNode): FindCoordinatorResponseCoordinator => ({ key, ...node, errorMessage: messageOf(node.errorCode) });
  return {
    apiKey: ApiKey.FindCoordinator,
    minVersion: 0,
    maxVersion: 4,
    handle(request, ctx) {
      const keyType = ctx.apiVersion >= 1 ? (request.keyType ?? GROUP_KEY_TYPE) : GROUP_KEY_TYPE;
      if (ctx.apiVersion < 4) return single(find(request.key ?? '', keyType, ctx));
      return { throttleTimeMs: 0, coordinators: (request.coordinatorKeys ?? []).map((key) => batched(key, find(key, keyType, ctx))) };
    },
    errorResponse(request, errorCode, ctx) {
      if (ctx.apiVersion < 4) return single({ errorCode, ...NO_NODE });
      return { throttleTimeMs: 0, coordinators: (request.coordinatorKeys ?? []).map((key) => batched(key, { errorCode, ...NO_NODE })) };
    },
  };
}
