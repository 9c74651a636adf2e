// How the extras show a znode: data as text, indented JSON or a hex dump; sizes and counts.

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "12 B, 3 children": what tree and the browser print after a node's name. */
export function sizeAndChildren(dataLength: number, numChildren: number): string {
  return `${dataLength} B, ${plural(numChildren, 'child', 'children')}`;
}

export type DataKind = 'null' | 'empty' | 'text' | 'json' | 'binary';

export interface DataView {
  kind: DataKind;
  lines: string[];
  /** Bytes not shown because the view stops at its limit. */
  omittedBytes: number;
}

/** Znodes hold up to 1 MiB; a view longer than this would scroll the menu out of sight for no use. */
export const MAX_VIEW_BYTES = 64 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text without control characters other than tab, CR and LF; null when the bytes are not that. */
export function asText(data: Buffer): string | null {
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    return null;
  }
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? null : text;
}

/**
 * Re-indents JSON text that JSON.parse accepted, keeping every number and string exactly as written
 * (parsing and re-serialising would round integers beyond 2^53, which znode data such as ids often hold).
 */
export function indentJson(text: string, indent = '  '): string {
  let out = '';
  let depth = 0;
  let inString = false;
  const newline = () => `\n${indent.repeat(depth)}`;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j]!)) j++;
      if (text[j] === close) {
        out += c + close;
        i = j;
      } else {
        depth++;
        out += c + newline();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += newline() + c;
    } else if (c === ',') {
      out += c + newline();
    } else if (c === ':') {
      out += ': ';
    } else {
      out += c;
    }
  }
  return out;
}

function isJsonDocument(text: string): boolean {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** `hexdump -C`: offset, 16 bytes in two groups of 8, then the printable ASCII. */
export function hexDumpLines(data: Buffer, startOffset = 0): string[] {
  const lines: string[] = [];
  for (let at = 0; at < data.length; at += 16) {
    const row = data.subarray(at, at + 16);
    let hex = '';
    for (let k = 0; k < 16; k++) {
      hex += k < row.length ? `${row[k]!.toString(16).padStart(2, '0')} ` : '   ';
      if (k === 7) hex += ' ';
    }
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${(startOffset + at).toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  return lines;
}

/** What `View data` shows: the node's bytes as text, indented JSON when they hold a JSON object or array, else a hex dump. */
export function dataView(data: Buffer | null, maxBytes = MAX_VIEW_BYTES): DataView {
  if (data === null) return { kind: 'null', lines: ['null'], omittedBytes: 0 };
  if (data.length === 0) return { kind: 'empty', lines: [''], omittedBytes: 0 };
  const text = asText(data);
  if (text !== null) {
    if (isJsonDocument(text)) return { kind: 'json', lines: indentJson(text).split('\n'), omittedBytes: 0 };
    if (data.length <= maxBytes) return { kind: 'text', lines: text.split(/\r?\n/), omittedBytes: 0 };
    // Cut on a character boundary: drop a partial UTF-8 sequence at the end.
    let end = maxBytes;
    while (end > 0 && (data[end]! & 0xc0) === 0x80) end--;
    return { kind: 'text', lines: data.subarray(0, end).toString('utf8').split(/\r?\n/), omittedBytes: data.length - end };
  }
  const shown = data.subarray(0, maxBytes);
  return { kind: 'binary', lines: hexDumpLines(shown), omittedBytes: data.length - shown.length };
}
