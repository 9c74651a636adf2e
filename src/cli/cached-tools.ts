// The one-shot tools that run from CommonJS bundles through V8's code cache (see cached-bundle.ts). bin/run.js loads
// this module's own CommonJS bundle (dist/bundle/cached-tools.cjs) before anything else, so a cached tool starts
// without the command table's ES modules; the command table uses it too, for the same tools started through oclif.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCachedBundle } from './cached-bundle.js';
import { consoleConsumerMain, consoleProducerMain, perfTestMain, topicsMain, type FastMain } from './tool-mains.js';

interface CachedTool {
  /** The bundle's file name under dist/bundle, without `.cjs`. */
  bundle: string;
  main: (module: never) => FastMain;
}

/** Subcommand to bundle; scripts/bundle-servers.mjs builds the CommonJS bundle of each (its CACHED set). */
export const CACHED_TOOLS: Readonly<Record<string, CachedTool>> = {
  'kafka-topics': { bundle: 'topics-main', main: topicsMain },
  'console-producer': { bundle: 'console-producer-main', main: consoleProducerMain },
  'kafka-console-producer': { bundle: 'console-producer-main', main: consoleProducerMain },
  'console-consumer': { bundle: 'console-consumer-main', main: consoleConsumerMain },
  'kafka-console-consumer': { bundle: 'console-consumer-main', main: consoleConsumerMain },
  'producer-perf-test': { bundle: 'producer-perf-test-main', main: perfTestMain },
  'kafka-producer-perf-test': { bundle: 'producer-perf-test-main', main: perfTestMain },
};

/** The subcommand's entry from its cached bundle in `bundleDir`, or undefined when it has none (or is not built). */
export function cachedToolMain(subcommand: string | undefined, bundleDir: string): FastMain | undefined {
  const tool = subcommand !== undefined && Object.hasOwn(CACHED_TOOLS, subcommand) ? CACHED_TOOLS[subcommand] : undefined;
  if (tool === undefined) return undefined;
  const file = join(bundleDir, `${tool.bundle}.cjs`);
  return existsSync(file) ? tool.main(loadCachedBundle<never>(file)) : undefined;
}
