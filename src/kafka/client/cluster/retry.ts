// Retries with exponential backoff (retry.backoff.ms doubling up to retry.backoff.max.ms, with ±20% jitter, as
// the Java client's ExponentialBackoff), for retriable errors only.
import { isRetriable } from '../errors/client-errors.js';

export interface RetryOptions {
  /** How many times to try again after the first attempt. */
  retries: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
}

export const RETRY_DEFAULTS: RetryOptions = { retries: 5, retryBackoffMs: 100, retryBackoffMaxMs: 1000 };

const JITTER = 0.2;

/** The wait before retry number `attempt` (0-based). */
export function backoffMs(attempt: number, opts: RetryOptions, random: () => number = Math.random): number {
  if (opts.retryBackoffMs <= 0) return 0;
  const exp = Math.min(opts.retryBackoffMs * 2 ** attempt, Math.max(opts.retryBackoffMs, opts.retryBackoffMaxMs));
  const factor = 1 - JITTER + random() * 2 * JITTER;
  return Math.round(exp * factor);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, fails with an error that is not retriable, or has used up the retries.
 * `beforeRetry` runs after a retriable failure (e.g. a metadata refresh), before the backoff wait.
 */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  opts: RetryOptions,
  beforeRetry?: (err: unknown) => Promise<void> | void,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!isRetriable(err) || n >= opts.retries) throw err;
      await beforeRetry?.(err);
      await sleep(backoffMs(n, opts));
    }
  }
}
