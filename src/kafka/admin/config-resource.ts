// ConfigResource types as the config APIs carry them, and Kafka's text for a resource in error messages.

export const ConfigResourceType = { UNKNOWN: 0, ANY: 1, TOPIC: 2, GROUP: 3, BROKER: 4, BROKER_LOGGER: 8 } as const;

const NAMES = new Map<number, string>(Object.entries(ConfigResourceType).map(([name, id]) => [id, name]));

export const resourceTypeName = (type: number): string => NAMES.get(type) ?? 'UNKNOWN';

/** ConfigResource.toString. */
export const resourceText = (type: number, name: string): string => `ConfigResource(type=${resourceTypeName(type)}, name='${name}')`;
