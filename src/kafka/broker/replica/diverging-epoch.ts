// The leader's check of a follower's fetch against its own epoch history (Kafka 2.8's Partition.readRecords with
// last_fetched_epoch, Fetch v12+): the follower names the epoch of the last batch it holds; if the leader's log has
// that epoch ending before the fetch offset, or knows only an older one, the histories diverge and the answer is the
// leader's end of that epoch (diverging_epoch) instead of records. Pure.
import { ErrorCode } from '../../protocol/index.js';
import { ReplicaError } from './replica-errors.js';
import { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET, type EpochEndOffset } from './truncation.js';

/**
 * @param lastFetchedEpoch the follower's latest epoch; negative: not sent (no check)
 * @param fetchOffset the follower's fetch offset (its log end)
 * @param leaderEndOffsetFor the leader's endOffsetFor over its epoch cache
 * @param logStartOffset the leader's log start offset
 * @returns the diverging epoch and its end in the leader's log, or null when the fetch continues the leader's log
 * @throws ReplicaError OFFSET_OUT_OF_RANGE when the leader cannot place the epoch or the offset is below its log start
 */
export function divergingEpoch(
  lastFetchedEpoch: number,
  fetchOffset: number,
  leaderEndOffsetFor: (epoch: number) => EpochEndOffset,
  logStartOffset: number,
): EpochEndOffset | null {
  if (lastFetchedEpoch < 0) return null;
  const found = leaderEndOffsetFor(lastFetchedEpoch);
  if (found.endOffset === UNDEFINED_EPOCH_OFFSET || found.epoch === UNDEFINED_EPOCH) {
    throw new ReplicaError(ErrorCode.OFFSET_OUT_OF_RANGE, `Could not determine the end offset of the last fetched epoch ${lastFetchedEpoch} from the request`);
  }
  if (fetchOffset < logStartOffset) {
    throw new ReplicaError(ErrorCode.OFFSET_OUT_OF_RANGE, `Received request for offset ${fetchOffset}, but the log starts at ${logStartOffset}`);
  }
  if (found.epoch < lastFetchedEpoch || found.endOffset < fetchOffset) return { epoch: found.epoch, endOffset: found.endOffset };
  return null;
}
