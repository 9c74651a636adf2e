// Client-side path rules (Java's PathUtils.validatePath) and the chroot mapping between client and server paths.
import { IllegalArgumentError } from './errors.js';

function isInvalidChar(c: number): boolean {
  return (c > 0x00 && c <= 0x1f) || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xf8ff) || c >= 0xfff0;
}

/** Throws IllegalArgumentError with Java's text; a sequential create is checked with a digit appended. */
export function validatePath(path: string, sequential = false): void {
  if (typeof path !== 'string') throw new IllegalArgumentError('Path cannot be null');
  if (sequential) path += '1';
  if (path.length === 0) throw new IllegalArgumentError('Path length must be > 0');
  if (path[0] !== '/') throw new IllegalArgumentError('Path must start with / character');
  if (path.length === 1) return;
  if (path[path.length - 1] === '/') throw new IllegalArgumentError('Path must not end with / character');
  let reason: string | null = null;
  let last = 0x2f;
  for (let i = 1; i < path.length; last = path.charCodeAt(i), i++) {
    const c = path.charCodeAt(i);
    const atEnd = i + 1 === path.length || path.charCodeAt(i + 1) === 0x2f;
    if (c === 0) reason = `null character not allowed @${i}`;
    else if (c === 0x2f && last === 0x2f) reason = `empty node name specified @${i}`;
    else if (c === 0x2e && last === 0x2e) {
      if (path.charCodeAt(i - 2) === 0x2f && atEnd) reason = `relative paths not allowed @${i}`;
    } else if (c === 0x2e) {
      if (path.charCodeAt(i - 1) === 0x2f && atEnd) reason = `relative paths not allowed @${i}`;
    } else if (isInvalidChar(c)) reason = `invalid character @${i}`;
    if (reason !== null) break;
  }
  if (reason !== null) throw new IllegalArgumentError(`Invalid path string "${path}" caused by ${reason}`);
}

/** Maps client paths under a chroot to server paths and back; a null root is the identity. */
export class Chroot {
  constructor(readonly root: string | null) {}

  toServer(clientPath: string): string {
    if (this.root === null) return clientPath;
    return clientPath.length === 1 ? this.root : this.root + clientPath;
  }

  /** Paths outside the chroot (e.g. /zookeeper/config) are returned unchanged. */
  toClient(serverPath: string): string {
    const root = this.root;
    if (root === null) return serverPath;
    if (serverPath === root) return '/';
    if (serverPath.startsWith(root) && serverPath.charCodeAt(root.length) === 0x2f) return serverPath.slice(root.length);
    return serverPath;
  }

  /** Whether a server path lies inside the chroot. */
  contains(serverPath: string): boolean {
    const root = this.root;
    return root === null || serverPath === root || (serverPath.startsWith(root) && serverPath.charCodeAt(root.length) === 0x2f);
  }
}
