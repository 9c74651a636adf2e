/**
 * listeners / advertised.listeners / listener.security.protocol.map as Kafka 2.8 reads them (EndPoint.createEndPoint,
 * CoreUtils.listenerListToEndPoints, CoreUtils.parseCsvMap). Failures are returned as the text Kafka would use,
 * for the loader to attach to the key and line.
 */

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

export interface KafkaListener {
  /** Listener name, upper-cased as Kafka's ListenerName.normalised does. */
  name: string;
  securityProtocol: SecurityProtocol;
  /**
   * As written, without IPv6 brackets. '' on a listener = every interface (Node's default bind: `::` dual-stack,
   * so clients resolving localhost to ::1 or 127.0.0.1 both connect); '' on an advertised listener = the local
   * canonical host name (see resolveAdvertisedHosts).
   */
  host: string;
  /** 0 = any free port (the advertised port then becomes the bound one). */
  port: number;
}

/** A listener setting Kafka would refuse: either Kafka's own sentence, or a malformed item (`expected`, `got`). */
export class ListenerError extends Error {
  constructor(message: string, readonly malformed?: { expected: string; got: string }) {
    super(message);
    this.name = 'ListenerError';
  }

  static malformed(expected: string, got: string): ListenerError {
    return new ListenerError(`expected ${expected}, got '${got}'`, { expected, got });
  }
}

export const LISTENER_FORM = 'NAME://host:port entries separated by commas (such as PLAINTEXT://:9092 or PLAINTEXT://[::1]:9092)';

// Kafka's uriParseExp, with brackets required in pairs.
const ENDPOINT = /^(.*):\/\/(?:\[([0-9a-zA-Z\-%._:]*)\]|([0-9a-zA-Z\-%._:]*)):(-?[0-9]+)$/;

/** CoreUtils.parseCsvList: split on commas with surrounding blanks, drop empty items. */
export function parseCsvList(text: string): string[] {
  return text === '' ? [] : text.split(/\s*,\s*/).filter((item) => item !== '');
}

/** `NAME:PROTOCOL,...` → map of upper-cased names; protocols are matched case-insensitively as SecurityProtocol.forName. */
export function parseSecurityProtocolMap(text: string): Map<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>();
  if (text === '') return map;
  for (const item of text.split(/\s*,\s*/)) {
    const colon = item.lastIndexOf(':');
    if (colon <= 0) throw ListenerError.malformed('NAME:PROTOCOL pairs separated by commas (such as CLIENT:PLAINTEXT)', item);
    const name = item.slice(0, colon).trim().toUpperCase();
    const protocolName = item.slice(colon + 1).trim().toUpperCase();
    if (!(SECURITY_PROTOCOLS as readonly string[]).includes(protocolName)) {
      throw new ListenerError(`Invalid security protocol \`${item.slice(colon + 1).trim()}\` defined in listener.security.protocol.map`);
    }
    map.set(name, protocolName as SecurityProtocol);
  }
  return map;
}

/**
 * Parses a listener list. Names must be distinct; with `requireDistinctPorts` (listeners, not advertised.listeners)
 * so must ports other than 0. Every listener must map to PLAINTEXT, the only protocol zkafka serves.
 */
export function parseListeners(
  text: string,
  protocols: ReadonlyMap<string, SecurityProtocol>,
  requireDistinctPorts: boolean,
): KafkaListener[] {
  const listeners = parseCsvList(text).map((item) => parseEndpoint(item, protocols));
  const names = new Set(listeners.map((l) => l.name));
  if (names.size !== listeners.length) throw new ListenerError(`Each listener must have a different name, listeners: ${text}`);
  if (requireDistinctPorts) {
    const ports = listeners.map((l) => l.port).filter((port) => port !== 0);
    if (new Set(ports).size !== ports.length) throw new ListenerError(`Each listener must have a different port, listeners: ${text}`);
  }
  return listeners;
}

function parseEndpoint(item: string, protocols: ReadonlyMap<string, SecurityProtocol>): KafkaListener {
  const match = ENDPOINT.exec(item);
  if (!match) throw ListenerError.malformed(LISTENER_FORM, item);
  const name = match[1]!.toUpperCase();
  const host = match[2] ?? match[3]!;
  const port = Number(match[4]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw ListenerError.malformed('a port from 0 to 65535', item);
  const securityProtocol = protocols.get(name);
  if (securityProtocol === undefined) {
    throw new ListenerError(`No security protocol defined for listener ${name} (add ${name}:PLAINTEXT to listener.security.protocol.map)`);
  }
  if (securityProtocol !== 'PLAINTEXT') {
    throw ListenerError.malformed('PLAINTEXT listeners only (SSL, SASL_PLAINTEXT and SASL_SSL are not supported)', item);
  }
  return { name, securityProtocol, host, port };
}

/** EndPoint.connectionString: `NAME://host:port`, IPv6 hosts in brackets, an empty host as `NAME://:port`. */
export function listenerToString(listener: KafkaListener): string {
  const host = listener.host.includes(':') ? `[${listener.host}]` : listener.host;
  return `${listener.name}://${host}:${listener.port}`;
}

/** Fills the empty hosts of advertised listeners with `hostName`, as KafkaServer does before registering. */
export function resolveAdvertisedHosts(advertised: readonly KafkaListener[], hostName: string): KafkaListener[] {
  return advertised.map((l) => (l.host.trim() === '' ? { ...l, host: hostName } : { ...l }));
}
