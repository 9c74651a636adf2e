export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Segments below the root: 0 for "/", 1 for "/a", 2 for "/a/b". */
export function pathDepth(path: string): number {
  if (path === '/') return 0;
  let depth = 0;
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) depth++;
  return depth;
}

/** The ancestor of path that is `depth` segments deep, or path itself when it is no deeper than that. */
export function truncatePath(path: string, depth: number): string {
  if (depth <= 0) return '/';
  let slash = 0;
  for (let k = 0; k < depth; k++) {
    slash = path.indexOf('/', slash + 1);
    if (slash < 0) return path;
  }
  return path.slice(0, slash);
}

export function joinPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** PathUtils.validatePath: returns the reason a path is invalid, or null. */
export function invalidPathReason(path: string | null, isSequential = false): string | null {
  if (path === null) return 'Path cannot be null';
  if (path.length === 0) return 'Path length must be > 0';
  if (path[0] !== '/') return 'Path must start with / character';
  if (path.length === 1) return null;
  if (path[path.length - 1] === '/' && !isSequential) return 'Path must not end with / character';
  let last = '/';
  for (let i = 1; i < path.length; i++) {
    const c = path.charCodeAt(i);
    const ch = path[i];
    if (c === 0) return `null character not allowed @${i}`;
    if (ch === '/' && last === '/') return `empty node name specified @${i}`;
    if (ch === '.' && last === '.') {
      if (path[i - 2] === '/' && (i + 1 === path.length || path[i + 1] === '/')) return `relative paths not allowed @${i}`;
    } else if (ch === '.') {
      if (path[i - 1] === '/' && (i + 1 === path.length || path[i + 1] === '/')) return `relative paths not allowed @${i}`;
    } else if ((c > 0 && c <= 0x1f) || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xf8ff) || (c >= 0xfff0 && c <= 0xffff)) {
      return `invalid character @${i}`;
    }
    last = ch;
  }
  return null;
}
