// Kafka's Sanitizer: user principals and client ids become ZooKeeper node names by URL-encoding (UTF-8) with a
// space as %20 and `*` as %2A; `<default>` names the default entity.
export const DEFAULT_ENTITY = '<default>';

const UNRESERVED = /[A-Za-z0-9.\-_]/;

/** Sanitizer.sanitize (java.net.URLEncoder, then `+` → %20 and `*` → %2A). */
export function sanitizeEntityName(name: string): string {
  let out = '';
  for (const ch of name) {
    if (UNRESERVED.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Sanitizer.desanitize (URLDecoder). */
export function desanitizeEntityName(sanitized: string): string {
  return decodeURIComponent(sanitized.replace(/\+/g, ' '));
}

/** ZkAdminManager's view of an entity node name: null for the default entity. */
export const entityNameOfNode = (node: string): string | null => (node === DEFAULT_ENTITY ? null : desanitizeEntityName(node));

export const nodeOfEntityName = (name: string | null): string => (name === null ? DEFAULT_ENTITY : sanitizeEntityName(name));
