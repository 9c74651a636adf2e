// The one-shot tools that run from CommonJS bundles through V8's code cache (see cached-bundle.ts): their part of the
// fast-command table (command-table.ts has the others, and looks these up here). bin/run.js loads this module's own
// CommonJS bundle (dist/bundle/cached-tools.cjs) before anything else, so a cached tool starts without the command
// table's ES modules; scripts/bundle-servers.mjs bundles the modules this table names.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadCachedBundle } from './cached-bundle.js';
import { consoleConsumerMain, consoleProducerMain, perfTestMain, topicsMain, type FastMain } from './tool-mains.js';

export interface CachedTool {
  /** The main module, under dist/src without `.js`; its bundle is dist/bundle/<its base name>.cjs. */
  module: string;
  /** The process's entry, from the loaded module. */
  main: (module: never) => FastMain;
}

const TOPICS = 'kafka/tools/topics/topics-main';
const CONSOLE_PRODUCER = 'kafka/tools/console-producer/console-producer-main';
const CONSOLE_CONSUMER = 'kafka/tools/console-consumer/console-consumer-main';
const PERF_TEST = 'kafka/tools/producer-perf-test/producer-perf-test-main';

export const CACHED_TOOLS: Readonly<Record<string, CachedTool>> = {
  'kafka-topics': { module: TOPICS, main: topicsMain },
  'console-producer': { module: CONSOLE_PRODUCER, main: consoleProducerMain },
  'kafka-console-producer': { module: CONSOLE_PRODUCER, main: consoleProducerMain },
  'console-consumer': { module: CONSOLE_CONSUMER, main: consoleConsumerMain },
  'kafka-console-consumer': { module: CONSOLE_CONSUMER, main: consoleConsumerMain },
  'producer-perf-test': { module: PERF_TEST, main: perfTestMain },
  'kafka-producer-perf-test': { module: PERF_TEST, main: perfTestMain },
};

export function cachedTool(subcommand: string | undefined): CachedTool | undefined {
  return subcommand !== undefined && Object.hasOwn(CACHED_TOOLS, subcommand) ? CACHED_TOOLS[subcommand] : undefined;
}

/** The subcommand's entry from its cached bundle in `bundleDir`, or undefined when it has none (or is not built). */
export function cachedToolMain(subcommand: string | undefined, bundleDir: string): FastMain | undefined {
  const tool = cachedTool(subcommand);
  if (tool === undefined) return undefined;
  const file = join(bundleDir, `${basename(tool.module)}.cjs`);
  return existsSync(file) ? tool.main(loadCachedBundle<never>(file)) : undefined;
}
