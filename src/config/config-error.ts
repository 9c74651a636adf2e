/**
 * A configuration problem, as one line naming the file, the line, the key, what was expected and what
 * was found: `zoo.cfg:3: tickTime: expected a positive integer, got 'abc'`.
 */
export class ConfigError extends Error {
  readonly code = 'ECONFIG';

  constructor(
    message: string,
    readonly file: string,
    readonly key?: string,
    readonly line?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConfigError';
  }

  /** `<file>[:<line>]: <key>: expected <expected>, got <got>` where got is quoted, or `nothing` when empty. */
  static expected(file: string, key: string, line: number | undefined, expected: string, got: string | undefined): ConfigError {
    return ConfigError.at(file, key, line, `expected ${expected}, got ${describeValue(got)}`);
  }

  /** `<file>[:<line>]: <key>: <text>` */
  static at(file: string, key: string, line: number | undefined, text: string): ConfigError {
    const where = line === undefined ? file : `${file}:${line}`;
    return new ConfigError(`${where}: ${key}: ${text}`, file, key, line);
  }
}

export function describeValue(value: string | undefined): string {
  return value === undefined || value === '' ? 'nothing' : `'${value}'`;
}
