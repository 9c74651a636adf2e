// A spinner on stderr while a tool waits (joining a group, the first fetch): only when stdout and stderr are a
// terminal and NO_COLOR is unset, and only once the wait is noticeable; ora is loaded at that moment.
const SHOW_AFTER_MS = 300;

export async function withSpinner<T>(label: string, work: Promise<T>): Promise<T> {
  if (!process.stdout.isTTY || !process.stderr.isTTY || process.env.NO_COLOR !== undefined) return work;
  let spinner: { stop(): unknown } | undefined;
  let finished = false;
  const timer = setTimeout(() => {
    void import('ora').then(({ default: ora }) => {
      if (!finished) spinner = ora({ text: label, stream: process.stderr }).start();
    });
  }, SHOW_AFTER_MS);
  try {
    return await work;
  } finally {
    finished = true;
    clearTimeout(timer);
    spinner?.stop();
  }
}
