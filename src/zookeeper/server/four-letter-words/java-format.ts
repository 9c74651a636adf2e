// How Java prints the values Apache's four-letter words show: Double.toString, Long.toHexString, Date.toString,
// and AvgMinMaxCounter's average (BigDecimal, 4 places, HALF_UP).

/** Double.toString: "0.0", "2.2", "1.0E-4", "1.0E7". */
export function javaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e');
  return `${mantissa!.includes('.') ? mantissa : `${mantissa}.0`}E${exponent!.replace('+', '')}`;
}

/** Long.toHexString: two's complement for negative values, no prefix. */
export function javaHex(v: bigint | number): string {
  return BigInt.asUintN(64, BigInt(v)).toString(16);
}

/** AvgMinMaxCounter.getAvg: total/count rounded to 4 places, half up; 0 without data points. */
export function javaAvg(total: number, count: number): number {
  if (count <= 0) return 0;
  // toFixed rounds the exact binary value half up, as new BigDecimal(double).setScale(4, HALF_UP) does.
  return Number((total / count).toFixed(4));
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function zoneName(d: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'UTC';
}

/** java.util.Date.toString in the process's time zone: "Wed Nov 25 20:43:47 UTC 2026". */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${two(d.getDate())} ${time} ${zoneName(d)} ${d.getFullYear()}`;
}
