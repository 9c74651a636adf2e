// Child process for the kill -9 test (`node kafka-log-writer.js --kafka-log-writer <logDir> <epoch>`): appends
// batches to `<logDir>/kill-0` in a loop as leader of <epoch>, flushes every FLUSH_EVERY appends and only then
// prints `acked <offset>` (everything below offset is on disk). Every few flushes it also writes the recovery-point checkpoint, so recovery starts part-way.
import { buildBatch, crc32c } from '../support/kafka-batches.js';
import { LogDir } from '../../src/kafka/storage/log-dir.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../src/kafka/storage/log-config.js';
import { systemClock, TimerScheduler } from '../../src/kafka/storage/scheduler.js';

export const KILL_TOPIC = { topic: 'kill', partition: 0 };
export const KILL_CONFIG: LogConfig = { ...DEFAULT_LOG_CONFIG, segmentBytes: 48 * 1024, indexIntervalBytes: 512, maxIndexSizeBytes: 64 * 1024 };
export const WRITER_FLAG = '--kafka-log-writer';
const FLUSH_EVERY = 5;
const CHECKPOINT_EVERY_FLUSHES = 7;

/** The batch the writer appends at `baseOffset` (before the log stamps offsets and epoch into it). */
export function payloadBatch(baseOffset: number): Buffer {
  return buildBatch({
    baseOffset,
    count: 1 + (baseOffset % 4),
    valueBytes: 20 + ((baseOffset * 7) % 300),
    fill: baseOffset % 251,
    firstTimestamp: 1_700_000_000_000 + baseOffset,
  });
}

async function main(): Promise<void> {
  const [dir, epochText] = process.argv.slice(3);
  const scheduler = new TimerScheduler((name, err) => process.stderr.write(`${name}: ${String(err)}\n`));
  const logDir = await LogDir.open({ dir: dir!, clock: systemClock, scheduler, crc32c, configFor: () => KILL_CONFIG });
  const log = await logDir.getOrCreateLog(KILL_TOPIC);
  process.stdout.write(`start ${log.logEndOffset}\n`);
  const epoch = Number(epochText);
  for (let n = 1; ; n++) {
    await log.appendAsLeader(payloadBatch(log.logEndOffset), epoch);
    if (n % FLUSH_EVERY !== 0) continue;
    await log.flush();
    if ((n / FLUSH_EVERY) % CHECKPOINT_EVERY_FLUSHES === 0) await logDir.checkpointRecoveryPoints();
    process.stdout.write(`acked ${log.recoveryPoint}\n`);
  }
}

// The test runner also loads this file (it runs every .js under dist/test): only the flag starts the writer.
if (process.argv[2] === WRITER_FLAG) {
  main().catch((err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  });
}
