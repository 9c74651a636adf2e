// --command-config for the tools that use the admin client: the properties file Kafka passes to Admin.create, read
// for the settings our client has (bootstrap.servers always comes from --bootstrap-server).
import { readFileSync } from 'node:fs';
import { parseProperties } from '../../config/properties.js';
import type { AdminOptions } from '../client/admin/kafka-admin.js';
import { UncaughtToolError } from './kafka-tool-common.js';

const INTEGER_KEYS: Readonly<Record<string, keyof AdminOptions>> = {
  'request.timeout.ms': 'requestTimeoutMs',
  'default.api.timeout.ms': 'operationTimeoutMs',
  retries: 'retries',
  'retry.backoff.ms': 'retryBackoffMs',
  'metadata.max.age.ms': 'metadataMaxAgeMs',
};

/** Utils.loadProps(file) then Admin.create: a missing file is the NoSuchFileException Kafka dies with. */
export function adminOptions(bootstrapServer: string, commandConfig: string | undefined): AdminOptions {
  const options: AdminOptions = { bootstrapServers: bootstrapServer, clientId: 'adminclient-1' };
  if (commandConfig === undefined) return options;
  let text: string;
  try {
    text = readFileSync(commandConfig, 'utf8');
  } catch {
    throw new UncaughtToolError('java.nio.file.NoSuchFileException', commandConfig);
  }
  for (const { key, value } of parseProperties(text)) {
    if (key === 'client.id') options.clientId = value;
    const field = INTEGER_KEYS[key];
    if (field !== undefined && /^\d+$/.test(value.trim())) (options as unknown as Record<string, number>)[field] = Number(value.trim());
  }
  return options;
}
