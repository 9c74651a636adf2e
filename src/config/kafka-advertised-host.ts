import { lookup, lookupService } from 'node:dns/promises';
import { hostname } from 'node:os';

/**
 * The host a broker advertises for a listener with an empty host. Kafka 2.8 uses
 * InetAddress.getLocalHost.getCanonicalHostName: resolve the machine's host name, then reverse-resolve that
 * address to its fully qualified name, falling back to the address literal when there is no reverse entry.
 * We do the same, but where the host name itself does not resolve (Java would fail to start) we advertise the
 * plain host name rather than refuse to start.
 */
export async function canonicalLocalHostName(): Promise<string> {
  const name = hostname();
  let address: string;
  try {
    ({ address } = await lookup(name));
  } catch {
    return name;
  }
  try {
    const { hostname: canonical } = await lookupService(address, 0);
    return canonical === '' ? address : canonical;
  } catch {
    return address;
  }
}
