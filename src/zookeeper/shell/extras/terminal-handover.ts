// The browser reads keys with its own line reader. Inside the interactive shell, the shell's reader is listening
// on the same stdin: it would take every key too (and run them as commands afterwards). So while the browser
// runs, the readers already listening are detached, and afterwards they get the terminal back as they had it
// (raw mode and flow: closing the browser's reader turns both off).
type KeypressListener = (...args: unknown[]) => void;

export async function withTerminalToItself<T>(input: NodeJS.ReadStream, run: () => Promise<T>): Promise<T> {
  const listeners = input.listeners('keypress') as KeypressListener[];
  for (const listener of listeners) input.off('keypress', listener);
  const wasRaw = input.isTTY ? input.isRaw : false;
  const wasFlowing = input.readableFlowing === true;
  try {
    return await run();
  } finally {
    for (const listener of listeners) input.on('keypress', listener);
    if (input.isTTY && input.isRaw !== wasRaw) input.setRawMode(wasRaw);
    if (wasFlowing && input.readableFlowing !== true) input.resume();
  }
}
