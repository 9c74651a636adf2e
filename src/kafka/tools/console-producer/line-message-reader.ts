// Kafka's LineMessageReader: one record per line, optionally `headers<TAB>key<TAB>value` (parse.headers, parse.key,
// their separators, ignore.error, null.marker). Works on the line's bytes: the separators are whole UTF-8
// characters, so splitting the bytes is splitting the text, and key and value stay views of the input.

export class LineFormatError extends Error {}

export interface LineReaderConfig {
  parseKey: boolean;
  keySeparator: Buffer;
  parseHeaders: boolean;
  headersDelimiter: Buffer;
  headersSeparator: Buffer;
  headersKeySeparator: Buffer;
  ignoreError: boolean;
  nullMarker: Buffer | undefined;
}

export interface ParsedLine {
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[] | undefined;
}

const isTrue = (v: string | undefined) => v !== undefined && v.trim().toLowerCase() === 'true';

/** The reader's settings from --property values, checked as LineMessageReader.init checks them. */
export function lineReaderConfig(props: ReadonlyMap<string, string>): LineReaderConfig {
  const text = (key: string, fallback: string) => props.get(key) ?? fallback;
  const keySeparator = text('key.separator', '\t');
  const headersDelimiter = text('headers.delimiter', '\t');
  const headersSeparator = text('headers.separator', ',');
  const headersKeySeparator = text('headers.key.separator', ':');
  const nullMarker = props.get('null.marker');
  const distinct: [string, string | undefined, string, string][] = [
    ['headers.delimiter', headersDelimiter, 'headers.separator', headersSeparator],
    ['headers.delimiter', headersDelimiter, 'headers.key.separator', headersKeySeparator],
    ['headers.separator', headersSeparator, 'headers.key.separator', headersKeySeparator],
    ['null.marker', nullMarker, 'key.separator', keySeparator],
    ['null.marker', nullMarker, 'headers.separator', headersSeparator],
    ['null.marker', nullMarker, 'headers.delimiter', headersDelimiter],
    ['null.marker', nullMarker, 'headers.key.separator', headersKeySeparator],
  ];
  for (const [a, av, b, bv] of distinct) if (av === bv) throw new LineFormatError(`${a} and ${b} may not be equal`);
  for (const [name, sep] of [['key.separator', keySeparator], ['headers.delimiter', headersDelimiter], ['headers.separator', headersSeparator], ['headers.key.separator', headersKeySeparator]]) {
    if (sep === '') throw new LineFormatError(`${name} may not be empty`);
  }
  return {
    parseKey: isTrue(props.get('parse.key')),
    keySeparator: Buffer.from(keySeparator),
    parseHeaders: isTrue(props.get('parse.headers')),
    headersDelimiter: Buffer.from(headersDelimiter),
    headersSeparator: Buffer.from(headersSeparator),
    headersKeySeparator: Buffer.from(headersKeySeparator),
    ignoreError: isTrue(props.get('ignore.error')),
    nullMarker: nullMarker === undefined ? undefined : Buffer.from(nullMarker),
  };
}

export class LineMessageReader {
  constructor(private readonly config: LineReaderConfig) {}

  /** True when every line is the value as it is (the common case, with nothing to look for). */
  get plain(): boolean {
    return !this.config.parseKey && !this.config.parseHeaders && this.config.nullMarker === undefined;
  }

  /** Splits `line` (line number `lineNumber`, 1-based) into headers, key and value. */
  parse(line: Buffer, lineNumber: number): ParsedLine {
    const c = this.config;
    let pos = 0;
    let headerText: Buffer | null = null;
    if (c.parseHeaders) {
      const at = line.indexOf(c.headersDelimiter);
      if (at >= 0) {
        headerText = line.subarray(0, at);
        pos = at + c.headersDelimiter.length;
      } else if (!c.ignoreError) {
        throw new LineFormatError(`No headers delimiter found on line number ${lineNumber}: '${line.toString()}'`);
      }
    }
    let key: Buffer | null = null;
    if (c.parseKey) {
      const at = line.indexOf(c.keySeparator, pos);
      if (at >= 0) {
        key = line.subarray(pos, at);
        pos = at + c.keySeparator.length;
      } else if (!c.ignoreError) {
        throw new LineFormatError(`No key found on line ${lineNumber}: ${line.toString()}`);
      }
    }
    const value = line.subarray(pos);
    return {
      key: key === null || this.isNull(key) ? null : key,
      value: this.isNull(value) ? null : value,
      headers: headerText === null || this.isNull(headerText) ? undefined : this.splitHeaders(headerText, lineNumber),
    };
  }

  private isNull(field: Buffer): boolean {
    return this.config.nullMarker !== undefined && field.equals(this.config.nullMarker);
  }

  private splitHeaders(text: Buffer, lineNumber: number): { key: string; value: Buffer | null }[] {
    const c = this.config;
    const pairs: Buffer[] = [];
    for (let from = 0; ; ) {
      const at = text.indexOf(c.headersSeparator, from);
      if (at < 0) {
        pairs.push(text.subarray(from));
        break;
      }
      pairs.push(text.subarray(from, at));
      from = at + c.headersSeparator.length;
    }
    // Java's String.split drops trailing empty strings (but keeps a lone empty input).
    while (pairs.length > 1 && pairs[pairs.length - 1]!.length === 0) pairs.pop();
    return pairs.map((pair) => {
      const at = pair.indexOf(c.headersKeySeparator);
      if (at < 0) {
        if (!c.ignoreError) throw new LineFormatError(`No header key separator found in pair '${pair.toString()}' on line number ${lineNumber}`);
        return { key: pair.toString(), value: null };
      }
      const key = pair.subarray(0, at);
      if (this.isNull(key)) throw new LineFormatError(`Header keys should not be equal to the null marker '${c.nullMarker!.toString()}' as they can't be null`);
      const value = pair.subarray(at + c.headersKeySeparator.length);
      return { key: key.toString(), value: this.isNull(value) ? null : value };
    });
  }
}
