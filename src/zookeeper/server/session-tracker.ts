// Session expiry in tick buckets (Apache's ExpiryQueue): a session touched at `now` expires at the first
// tick boundary after now + timeout. Pure: the caller supplies the time and acts on what expired.
import { initialSessionId, sessionPassword } from './session-id.js';

export interface Session {
  readonly id: bigint;
  timeoutMs: number;
  readonly password: Buffer;
  expiresAtMs: number;
  closing: boolean;
}

export class SessionTracker {
  readonly sessions = new Map<bigint, Session>();
  private readonly buckets = new Map<number, Set<bigint>>();
  private nextId: bigint;

  constructor(readonly tickMs: number, serverId: number, nowMs: number) {
    this.nextId = initialSessionId(nowMs, serverId);
  }

  private bucketOf(t: number): number {
    return (Math.floor(t / this.tickMs) + 1) * this.tickMs;
  }

  newSessionId(): bigint {
    let id = this.nextId++;
    if (id === -0x8000000000000000n) id = this.nextId++;
    return id;
  }

  /** Registers a session (new, recovered from disk, or replayed from the log). */
  add(id: bigint, timeoutMs: number, nowMs: number): Session {
    let s = this.sessions.get(id);
    if (!s) {
      s = { id, timeoutMs, password: sessionPassword(id), expiresAtMs: 0, closing: false };
      this.sessions.set(id, s);
    }
    s.timeoutMs = timeoutMs;
    this.touch(s, nowMs);
    return s;
  }

  touch(s: Session, nowMs: number): void {
    if (s.closing) return;
    const at = this.bucketOf(nowMs + s.timeoutMs);
    if (at === s.expiresAtMs) return;
    this.buckets.get(s.expiresAtMs)?.delete(s.id);
    s.expiresAtMs = at;
    let b = this.buckets.get(at);
    if (!b) this.buckets.set(at, (b = new Set()));
    b.add(s.id);
  }

  remove(id: bigint): void {
    const s = this.sessions.get(id);
    if (!s) return;
    this.buckets.get(s.expiresAtMs)?.delete(id);
    this.sessions.delete(id);
  }

  /** Sessions whose bucket time has passed; they are marked closing (the caller logs their closeSession). */
  expire(nowMs: number): Session[] {
    const out: Session[] = [];
    for (const [at, ids] of this.buckets) {
      if (at > nowMs) continue;
      this.buckets.delete(at);
      for (const id of ids) {
        const s = this.sessions.get(id);
        if (s && !s.closing) {
          s.closing = true;
          out.push(s);
        }
      }
    }
    return out;
  }

  /** The earliest bucket time, for scheduling the next expiry check. */
  nextExpiryMs(): number | null {
    let min: number | null = null;
    for (const [at, ids] of this.buckets) if (ids.size > 0 && (min === null || at < min)) min = at;
    return min;
  }

  /** Buckets for the `dump` four-letter word. */
  bucketsSnapshot(): [number, bigint[]][] {
    return [...this.buckets].filter(([, ids]) => ids.size > 0).sort((a, b) => a[0] - b[0]).map(([at, ids]) => [at, [...ids]]);
  }
}
