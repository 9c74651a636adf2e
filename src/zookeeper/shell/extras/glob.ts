// Shell-style patterns on one node name: * any run of characters, ? one character, [abc] [a-z] [!a] a class,
// \ takes the next character literally. A name is matched whole.

export class GlobSyntaxError extends Error {
  override readonly name = 'GlobSyntaxError';
}

const escapeRegExp = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '\\') {
      if (i + 1 >= pattern.length) throw new GlobSyntaxError(`Pattern ends with a lone \\: ${pattern}`);
      source += escapeRegExp(pattern[++i]!);
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close === -1) throw new GlobSyntaxError(`Unclosed [ in pattern: ${pattern}`);
      let body = pattern.slice(i + 1, close);
      const negate = body[0] === '!' || body[0] === '^';
      if (negate) body = body.slice(1);
      // Keep ranges (a-z); escape everything else that means something inside a RegExp class.
      const cls = body.replace(/[\\^\]]/g, '\\$&');
      source += `[${negate ? '^' : ''}${cls}]`;
      i = close;
    } else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, 's');
}
