// A spinner (ora) for waits a person would otherwise stare at: shown on a terminal only, and only once the wait has
// lasted a moment, so quick commands print exactly what they would without it. ora is imported only then.
const SHOW_AFTER_MS = 300;

export interface SpinnerOptions {
  /** Spinners are for terminals: false (not a TTY, NO_COLOR) makes this a plain await. */
  enabled: boolean;
  showAfterMs?: number;
}

/** Awaits `work`, with `text` spinning on stderr if it takes longer than a moment. */
export async function withSpinner<T>(text: string, work: Promise<T>, opts: SpinnerOptions): Promise<T> {
  if (!opts.enabled) return work;
  let stop: (() => void) | undefined;
  let cancelled = false;
  const timer = setTimeout(() => {
    void import('ora').then(({ default: ora }) => {
      if (cancelled) return;
      const spinner = ora({ text, stream: process.stderr }).start();
      stop = () => spinner.stop();
    });
  }, opts.showAfterMs ?? SHOW_AFTER_MS);
  try {
    return await work;
  } finally {
    cancelled = true;
    clearTimeout(timer);
    stop?.();
  }
}
