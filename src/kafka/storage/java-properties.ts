// java.util.Properties text: `store` output (a comment line, a date line, escaped key=value lines) and `load`
// parsing (comments, '=' / ':' / whitespace separators, backslash escapes, line continuations).

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number) => String(n).padStart(2, '0');

/** java.util.Date.toString() for a JVM running in UTC: `EEE MMM dd HH:mm:ss zzz yyyy`. */
export function javaDateString(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:` +
    `${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** Properties.saveConvert: escapes separators, comment starters, control and non-ASCII characters. */
function escape(text: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const code = text.charCodeAt(i);
    if (c === ' ') out += i === 0 || isKey ? '\\ ' : ' ';
    else if (c === '\t') out += '\\t';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\f') out += '\\f';
    else if (c === '\\' || c === '=' || c === ':' || c === '#' || c === '!') out += `\\${c}`;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += c;
  }
  return out;
}

/** Properties.store(out, comments) with `comments` = "" as Kafka calls it, so the first line is a bare '#'. */
export function storeProperties(entries: ReadonlyArray<readonly [string, string]>, nowMs: number, comments = ''): string {
  let out = `#${comments}\n#${javaDateString(nowMs)}\n`;
  for (const [k, v] of entries) out += `${escape(k, true)}=${escape(v, false)}\n`;
  return out;
}

function unescape(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const n = text[++i]!;
    if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16));
      i += 4;
    } else out += n === 't' ? '\t' : n === 'n' ? '\n' : n === 'r' ? '\r' : n === 'f' ? '\f' : n;
  }
  return out;
}

/** Logical lines of Properties.load: comments and blank lines dropped, backslash-newline joined. */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let pending: string | null = null;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/^[ \t\f]+/, '');
    if (pending === null && (line === '' || line.startsWith('#') || line.startsWith('!'))) continue;
    const trailing = /\\+$/.exec(line)?.[0].length ?? 0;
    const continues = trailing % 2 === 1;
    const body = continues ? line.slice(0, -1) : line;
    pending = pending === null ? body : pending + body;
    if (!continues) {
      out.push(pending);
      pending = null;
    }
  }
  if (pending !== null) out.push(pending);
  return out;
}

export function loadProperties(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of logicalLines(text)) {
    let i = 0;
    while (i < line.length && !/[=: \t\f]/.test(line[i]!)) i += line[i] === '\\' ? 2 : 1;
    const key = line.slice(0, Math.min(i, line.length));
    let j = i;
    while (j < line.length && /[ \t\f]/.test(line[j]!)) j++;
    if (j < line.length && (line[j] === '=' || line[j] === ':')) j++;
    while (j < line.length && /[ \t\f]/.test(line[j]!)) j++;
    props.set(unescape(key), unescape(line.slice(j)));
  }
  return props;
}
