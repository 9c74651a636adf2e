// Rebuilds a partition's producer state from its log: the headers of every batch, read in bounded windows, oldest
// first (Kafka loads a snapshot and replays after it; with no snapshots we replay the whole log's headers).
import { DEFAULT_CHUNK_BYTES } from '../../storage/file-batch-reader.js';
import { emptyHeader, readBatchHeader } from '../../storage/batch-header.js';
import type { Log } from '../../storage/log.js';
import type { ProducerStateManager } from './producer-state.js';

const INT32_MAX = 0x7fffffff;

export async function loadProducerState(log: Log, state: ProducerStateManager, nowMs: number): Promise<void> {
  const header = emptyHeader();
  for (const segment of log.logSegments()) {
    const reader = segment.reader(INT32_MAX, DEFAULT_CHUNK_BYTES);
    let position = 0;
    for (;;) {
      const r = await reader.at(position, false);
      if (r.kind !== 'batch') break;
      const h = readBatchHeader(r.buf, r.at, header);
      position += r.size;
      if (h.magic !== 2 || h.producerId < 0 || h.lastOffset < log.logStartOffset) continue;
      let lastSequence = h.baseSequence + h.lastOffsetDelta;
      if (lastSequence > INT32_MAX) lastSequence -= INT32_MAX + 1;
      state.update({
        producerId: h.producerId, producerEpoch: h.producerEpoch, baseSequence: h.baseSequence, lastSequence,
        firstOffset: h.baseOffset, lastOffset: h.lastOffset, maxTimestamp: h.maxTimestamp,
      }, nowMs);
    }
  }
}
