// java.util.Properties.store output: a comment line, a date line, escaped key=value lines. Reading goes through
// the shared .properties parser (src/config/properties.ts).

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
