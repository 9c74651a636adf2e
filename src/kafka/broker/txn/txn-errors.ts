// Clients older than KIP-588 do not know PRODUCER_FENCED: KafkaApis answers them INVALID_PRODUCER_EPOCH instead
// (InitProducerId below v4, AddPartitionsToTxn, AddOffsetsToTxn and EndTxn below v2).
import { ErrorCode } from '../../protocol/index.js';

export function fencedForVersion(errorCode: number, apiVersion: number, firstVersionWithProducerFenced: number): number {
  return errorCode === ErrorCode.PRODUCER_FENCED && apiVersion < firstVersionWithProducerFenced ? ErrorCode.INVALID_PRODUCER_EPOCH : errorCode;
}
