// kafka-consumer-perf-test's lines, as Kafka 2.8's ConsumerPerformance prints them (String.format %.4f fields,
// SimpleDateFormat times in local time).
export const HEADER_FIELDS = ', rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

export function header(detailed: boolean): string {
  return `${detailed ? 'time, threadId' : 'start.time, end.time'}, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec${HEADER_FIELDS}`;
}

const f4 = (n: number) => (Number.isFinite(n) ? n.toFixed(4) : n > 0 ? 'Infinity' : n < 0 ? '-Infinity' : 'NaN');
const MB = 1024 * 1024;

/** SimpleDateFormat for the letters the default pattern uses (y M d H m s S); quoted text and others pass through. */
export function formatDate(pattern: string, ms: number): string {
  const d = new Date(ms);
  const values: Record<string, number> = { y: d.getFullYear(), M: d.getMonth() + 1, d: d.getDate(), H: d.getHours(), m: d.getMinutes(), s: d.getSeconds(), S: d.getMilliseconds() };
  return pattern.replace(/'([^']*)'|([yMdHmsS])\2*/g, (run, quoted: string | undefined, letter: string | undefined) => {
    if (quoted !== undefined) return quoted;
    return String(values[letter!]).padStart(run.length, '0');
  });
}

export interface Totals {
  startMs: number;
  endMs: number;
  bytes: number;
  messages: number;
  joinMs: number;
}

export function summaryLine(t: Totals, dateFormat: string): string {
  const elapsedSecs = (t.endMs - t.startMs) / 1000;
  const fetchMs = t.endMs - t.startMs - t.joinMs;
  const mb = t.bytes / MB;
  return [formatDate(dateFormat, t.startMs), formatDate(dateFormat, t.endMs), f4(mb), f4(mb / elapsedSecs), String(t.messages), f4(t.messages / elapsedSecs), String(t.joinMs), String(fetchMs), f4(mb / (fetchMs / 1000)), f4(t.messages / (fetchMs / 1000))].join(', ');
}

export interface Interval {
  bytes: number;
  lastBytes: number;
  messages: number;
  lastMessages: number;
  startMs: number;
  endMs: number;
  joinMs: number;
}

export function progressLine(i: Interval, dateFormat: string): string {
  const elapsedMs = i.endMs - i.startMs;
  const intervalMb = (i.bytes - i.lastBytes) / MB;
  const fetchMs = elapsedMs - i.joinMs;
  const [fetchMbSec, fetchMsgSec] = fetchMs <= 0 ? [0, 0] : [(1000 * intervalMb) / fetchMs, (1000 * (i.messages - i.lastMessages)) / fetchMs];
  return [
    formatDate(dateFormat, i.endMs),
    '0',
    f4(i.bytes / MB),
    f4((1000 * intervalMb) / elapsedMs),
    String(i.messages),
    f4(((i.messages - i.lastMessages) / elapsedMs) * 1000),
    String(i.joinMs),
    String(fetchMs),
    f4(fetchMbSec),
    f4(fetchMsgSec),
  ].join(', ');
}
