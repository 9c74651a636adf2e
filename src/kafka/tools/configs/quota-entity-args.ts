// How kafka-configs names users and clients (ConfigCommand.parseClientQuotaEntity / Entity.toString, Kafka 2.8):
// `user-principal 'alice'`, `client-id 'app'`, `default user-principal`, joined with ", " for a user's client.
import { DEFAULT_ENTITY, desanitizeEntityName, sanitizeEntityName } from '../../admin/config-entity-name.js';
import { illegalArgument } from '../kafka-tool-common.js';
import type { ConfigsArgs } from './configs-options.js';

/** One level of a quota entity: its type and its sanitized node name (undefined: every entity of the type). */
export interface EntityLevel {
  type: 'users' | 'clients';
  node?: string;
}

export interface QuotaConfigEntity {
  root: EntityLevel;
  child?: EntityLevel;
}

const TYPE_NAMES = { users: 'user-principal', clients: 'client-id' } as const;

/** Entity.toString. */
export function levelText(l: EntityLevel): string {
  if (l.node === undefined) return l.type;
  if (l.node === DEFAULT_ENTITY) return `default ${TYPE_NAMES[l.type]}`;
  return `${TYPE_NAMES[l.type]} '${desanitizeEntityName(l.node)}'`;
}

export const entityText = (e: QuotaConfigEntity): string => levelText(e.root) + (e.child ? `, ${levelText(e.child)}` : '');

/** ConfigEntity.fullSanitizedName: `alice`, `alice/clients/app`. */
export const fullSanitizedName = (e: QuotaConfigEntity): string => (e.root.node ?? '') + (e.child ? `/${e.child.type}${e.child.node !== undefined ? `/${e.child.node}` : ''}` : '');

/** parseClientQuotaEntity: users first when both types are given. */
export function parseQuotaEntity(args: ConfigsArgs): QuotaConfigEntity {
  const types = args.entityTypes as ('users' | 'clients')[];
  const names = args.entityNames;
  if (args.action === 'alter' && names.length !== types.length) {
    throw illegalArgument('--entity-name or --entity-default must be specified with each --entity-type for --alter');
  }
  const reverse = types.length === 2 && types[0] === 'clients';
  const orderedTypes = reverse ? [...types].reverse() : types;
  const orderedNames = reverse && names.length === 2 ? [...names].reverse() : names;
  const levels = orderedTypes.map((type, i): EntityLevel => {
    const name = orderedNames[i];
    return name === undefined ? { type } : { type, node: name === '' ? DEFAULT_ENTITY : sanitizeEntityName(name) };
  });
  return { root: levels[0]!, child: levels[1] };
}
