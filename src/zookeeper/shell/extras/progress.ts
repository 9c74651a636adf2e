// A spinner on stderr for walks that take a while: only when stdout and stderr are a terminal, never with
// --output json, and only once the wait is noticeable; ora is loaded at that moment, so quick commands never pay
// for it.
import type { ShellContext } from '../command.js';

/** Shorter waits show nothing. */
export const PROGRESS_AFTER_MS = 300;

export async function withProgress<T>(ctx: ShellContext, label: string, work: (onProgress: (count: number) => void) => Promise<T>): Promise<T> {
  if (ctx.json || !process.stdout.isTTY || !process.stderr.isTTY) return work(() => undefined);
  let count = 0;
  let spinner: { text: string; stop(): unknown } | null = null;
  let finished = false;
  const timer = setTimeout(() => {
    void import('ora').then(({ default: ora }) => {
      if (!finished) spinner = ora({ text: `${label}… ${count} nodes`, stream: process.stderr }).start();
    });
  }, PROGRESS_AFTER_MS);
  try {
    return await work((n) => {
      count = n;
      if (spinner) spinner.text = `${label}… ${count} nodes`;
    });
  } finally {
    finished = true;
    clearTimeout(timer);
    (spinner as { stop(): unknown } | null)?.stop();
  }
}
