// EndTxn (key 26), versions 0-3: Kafka 2.8.2's range (v3+ flexible; v5 returns the bumped epoch for KIP-890 and is
// not advertised). Answered once PrepareCommit/PrepareAbort is acknowledged in __transaction_state; the markers and
// CompleteCommit/CompleteAbort follow.
import { ApiKey } from '../../protocol/index.js';
import type { ApiHandler } from '../handler.js';
import { fencedForVersion } from '../txn/txn-errors.js';
import type { TxnHandlerDeps } from '../txn/txn-handler-deps.js';

export function endTxnHandler(deps: TxnHandlerDeps): ApiHandler<typeof ApiKey.EndTxn> {
  return {
    apiKey: ApiKey.EndTxn,
    minVersion: 0,
    maxVersion: 3,
    async handle(request, ctx) {
      const errorCode = await deps.txn.endTxn({
        transactionalId: request.transactionalId,
        producerId: request.producerId,
        producerEpoch: request.producerEpoch,
        commit: request.committed,
      });
      return { throttleTimeMs: 0, errorCode: fencedForVersion(errorCode, ctx.apiVersion, 2) };
    },
    errorResponse(_request, errorCode) {
      return { throttleTimeMs: 0, errorCode };
    },
  };
}
