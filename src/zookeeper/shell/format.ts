// zkCli's text formats: StatPrinter's eleven lines (Java Date.toString times, Long.toHexString ids), ACL ids as
// jute's CSV toString prints them, permission letters, and the JSON shapes of `--output json`.
import type { ACL, Id, Stat } from '../client/index.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

let zoneFormat: Intl.DateTimeFormat | null = null;

function zoneName(date: Date): string {
  zoneFormat ??= new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });
  const part = zoneFormat.formatToParts(date).find((p) => p.type === 'timeZoneName');
  const name = part?.value ?? 'UTC';
  // Java names zones without an abbreviation GMT+01:00 where Intl says GMT+1.
  const offset = /^GMT([+-])(\d{1,2})(?::(\d\d))?$/.exec(name);
  return offset ? `GMT${offset[1]}${offset[2]!.padStart(2, '0')}:${offset[3] ?? '00'}` : name;
}

const two = (n: number) => String(n).padStart(2, '0');

/** java.util.Date.toString() in the local zone: `Thu Jan 01 00:00:00 UTC 1970`. */
export function javaDate(epochMs: bigint | number): string {
  const date = new Date(Number(epochMs));
  return (
    `${DAYS[date.getDay()]} ${MONTHS[date.getMonth()]} ${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())} ${zoneName(date)} ${date.getFullYear()}`
  );
}

/** Long.toHexString: two's complement for negatives. */
export function javaHex(value: bigint | number): string {
  const v = BigInt(value);
  return (v < 0n ? v + (1n << 64n) : v).toString(16);
}

/** StatPrinter.print, one entry per line. */
export function statLines(stat: Stat): string[] {
  return [
    `cZxid = 0x${javaHex(stat.czxid)}`,
    `ctime = ${javaDate(stat.ctime)}`,
    `mZxid = 0x${javaHex(stat.mzxid)}`,
    `mtime = ${javaDate(stat.mtime)}`,
    `pZxid = 0x${javaHex(stat.pzxid)}`,
    `cversion = ${stat.cversion}`,
    `dataVersion = ${stat.version}`,
    `aclVersion = ${stat.aversion}`,
    `ephemeralOwner = 0x${javaHex(stat.ephemeralOwner)}`,
    `dataLength = ${stat.dataLength}`,
    `numChildren = ${stat.numChildren}`,
  ];
}

/** ZKUtil.getPermString: the letters c d r w a in that order. */
export function permString(perms: number): string {
  let out = '';
  if (perms & 4) out += 'c';
  if (perms & 8) out += 'd';
  if (perms & 1) out += 'r';
  if (perms & 2) out += 'w';
  if (perms & 16) out += 'a';
  return out;
}

/** jute's Utils.toCSVString: `'` then the text with , % } CR LF NUL escaped. */
function csvString(text: string | null): string {
  if (text === null) return 'null';
  return (
    "'" +
    text.replace(/[\0\n\r,}%]/g, (c) => {
      switch (c) {
        case '\0':
          return '%00';
        case '\n':
          return '%0A';
        case '\r':
          return '%0D';
        case ',':
          return '%2C';
        case '}':
          return '%7D';
        default:
          return '%25';
      }
    })
  );
}

/** Id.toString() as jute generates it (ToStringOutputArchive): `'world,'anyone` and a line break. */
export function idToString(id: Id): string {
  return `${csvString(id.scheme ?? null)},${csvString(id.id ?? null)}\n`;
}

/** getAcl's line for one entry: Id.toString() + ":" + perms, which prints as two lines. */
export function aclLine(acl: ACL): string {
  return `${idToString(acl.id)}: ${permString(acl.perms)}`;
}

/** The stat for `--output json`, keyed as zkCli labels it: zxids and session ids as hex strings (64-bit), times in epoch ms. */
export function statJson(stat: Stat): Record<string, string | number> {
  return {
    cZxid: `0x${javaHex(stat.czxid)}`,
    ctime: Number(stat.ctime),
    mZxid: `0x${javaHex(stat.mzxid)}`,
    mtime: Number(stat.mtime),
    pZxid: `0x${javaHex(stat.pzxid)}`,
    cversion: stat.cversion,
    dataVersion: stat.version,
    aclVersion: stat.aversion,
    ephemeralOwner: `0x${javaHex(stat.ephemeralOwner)}`,
    dataLength: stat.dataLength,
    numChildren: stat.numChildren,
  };
}

export function aclJson(acl: ACL): { scheme: string; id: string; perms: string } {
  return { scheme: acl.id.scheme ?? '', id: acl.id.id ?? '', perms: permString(acl.perms) };
}
