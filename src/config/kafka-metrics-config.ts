// zkafka's own server.properties keys for the broker's Prometheus endpoint (Kafka itself has JMX instead):
//   zkafka.metrics.port  serve /metrics on this port (0 = any free port, logged at start); unset = no endpoint
//   zkafka.metrics.host  the address to bind (default 0.0.0.0, every interface)
import type { PropertyReader } from './property-reader.js';

export const KAFKA_METRICS_PREFIX = 'zkafka.metrics.';
const PORT_KEY = 'zkafka.metrics.port';
const HOST_KEY = 'zkafka.metrics.host';
export const KAFKA_METRICS_DEFAULT_HOST = '0.0.0.0';

export interface KafkaMetricsConfig {
  host: string;
  port: number;
}

/** The endpoint's settings (undefined without a port); warnings for other zkafka.metrics.* keys. */
export function parseKafkaMetrics(r: PropertyReader, warnings: string[]): KafkaMetricsConfig | undefined {
  for (const key of r.keys()) {
    if (key.startsWith(KAFKA_METRICS_PREFIX) && key !== PORT_KEY && key !== HOST_KEY) {
      warnings.push(r.warning(key, `unknown key ${key} (ignored; expected ${PORT_KEY} or ${HOST_KEY})`));
    }
  }
  const port = r.int(PORT_KEY, { min: 0, max: 65535, expected: 'a port number (0-65535)' });
  const host = r.nonEmpty(HOST_KEY, 'a host name or address') ?? KAFKA_METRICS_DEFAULT_HOST;
  if (port === undefined) {
    if (r.has(HOST_KEY)) warnings.push(r.warning(HOST_KEY, `${HOST_KEY} has no effect without ${PORT_KEY}`));
    return undefined;
  }
  return { host, port };
}
