import { ConfigError } from '../config/config-error.js';

/** Exit status for a configuration the command cannot use. */
export const EXIT_CONFIG = 2;

/**
 * Runs `load`; a ConfigError becomes its one line on stderr and exit status 2 (undefined is returned),
 * anything else propagates.
 */
export function loadOrReport<T>(load: () => T): T | undefined {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = EXIT_CONFIG;
    return undefined;
  }
}
