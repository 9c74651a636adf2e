// How each one-shot Kafka tool runs as a process, from its loaded main module: shared by the command table (the
// modules themselves) and the cached tools (their CommonJS bundles). Imports no tool module, so that bundling this
// file bundles none.
import { fstatSync } from 'node:fs';
import { isatty } from 'node:tty';
import type * as ConsoleConsumerMain from '../kafka/tools/console-consumer/console-consumer-main.js';
import type * as ConsoleProducerMain from '../kafka/tools/console-producer/console-producer-main.js';
import type * as PerfTestMain from '../kafka/tools/producer-perf-test/producer-perf-test-main.js';
import type * as TopicsMain from '../kafka/tools/topics/topics-main.js';

/** Runs the subcommand on its argv (after the subcommand name): the exit code, or null when oclif must handle it (help, flags it parses). */
export type FastMain = (argv: readonly string[]) => Promise<number | null>;

// The tool has closed what it opened and its output is written (synchronously, to pipes and files on Linux): exiting
// now spares a one-shot command the wait for its sockets to finish closing.
export const topicsMain = (main: typeof TopicsMain): FastMain => async (argv) => process.exit(await main.runKafkaTopics(argv));

// The consumer has left its group and closed its connections, and its output is written (synchronously, to pipes,
// files and terminals on Linux): exiting now spares the wait for the closed sockets' handles.
export const consoleConsumerMain =
  (main: typeof ConsoleConsumerMain): FastMain =>
  async (argv) =>
    process.exit(await main.runConsoleConsumer(argv, { stdout: process.stdout, stderr: process.stderr }));

export const perfTestMain =
  (main: typeof PerfTestMain): FastMain =>
  async (argv) =>
    process.exit(await main.runProducerPerfTest(argv, { stdout: process.stdout, stderr: process.stderr }));

/** False too for a descriptor that is not open (`<&-`), which process.stdin then reads as an empty input. */
function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

export const consoleProducerMain =
  (main: typeof ConsoleProducerMain): FastMain =>
  async (argv) => {
    const code = await main.runConsoleProducer(argv, {
      get stdin() {
        return process.stdin;
      },
      // A file is read in large blocks from its descriptor. A pipe is read by process.stdin, which libuv drains 64 KB
      // at a time without a thread pool round trip for each: a million lines through `cat |` took 1.15 s so, 1.37 s
      // read from the descriptor (kcat: 1.06 s).
      stdinFd: isRegularFile(0) ? 0 : undefined,
      stdinIsTTY: isatty(0),
      stdout: process.stdout,
      stderr: process.stderr,
    });
    // Output to pipes and files is written synchronously on Linux; nothing the tool started is left to wait for.
    process.exit(code);
  };
