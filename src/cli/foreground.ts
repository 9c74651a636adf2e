export interface Closable {
  close(): Promise<void>;
  closed: Promise<void>;
}

/**
 * Keeps a server in the foreground: SIGINT or SIGTERM closes it (exit 0), a second signal or a close
 * that takes longer than `closeTimeoutMs` gives up (exit 1), and a server that closes by itself is exit 1.
 * Resolves with the exit status.
 */
export function serveUntilSignal(server: Closable, closeTimeoutMs: number, log: (line: string) => void): Promise<number> {
  return new Promise((resolveExit) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        log(`${signal} again, exiting without a clean shutdown`);
        resolveExit(1);
        return;
      }
      stopping = true;
      const timer = setTimeout(() => {
        log(`shutdown did not finish within ${closeTimeoutMs} ms`);
        resolveExit(1);
      }, closeTimeoutMs);
      timer.unref();
      server.close().then(
        () => {
          clearTimeout(timer);
          resolveExit(0);
        },
        (err: unknown) => {
          clearTimeout(timer);
          log(`shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
          resolveExit(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    server.closed.then(
      () => {
        if (!stopping) {
          log('server stopped');
          resolveExit(1);
        }
      },
      (err: unknown) => {
        if (!stopping) {
          log(`server failed: ${err instanceof Error ? err.message : String(err)}`);
          resolveExit(1);
        }
      },
    );
  });
}
