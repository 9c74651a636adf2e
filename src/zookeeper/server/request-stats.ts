// Packet and latency counters kept both per connection and for the whole server (srvr, stat, cons, mntr).
export interface RequestStats {
  packetsReceived: number;
  packetsSent: number;
  minLatencyMs: number;
  maxLatencyMs: number;
  totalLatencyMs: number;
  requestCount: number;
}

export function freshRequestStats(): RequestStats {
  return { packetsReceived: 0, packetsSent: 0, minLatencyMs: Number.MAX_SAFE_INTEGER, maxLatencyMs: 0, totalLatencyMs: 0, requestCount: 0 };
}

export function recordLatency(s: RequestStats, latencyMs: number): void {
  s.requestCount++;
  s.totalLatencyMs += latencyMs;
  if (latencyMs < s.minLatencyMs) s.minLatencyMs = latencyMs;
  if (latencyMs > s.maxLatencyMs) s.maxLatencyMs = latencyMs;
}
