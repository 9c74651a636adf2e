// zkCli's MyCommandOptions.parseCommand: a line is split into whitespace-separated tokens; a token that starts
// with a quote runs to the matching quote and loses both quotes. An unmatched quote is skipped on its own, and
// (as in zkCli) a blank can start a word, so a line of blanks is the one word " ".
const JAVA_SPACE = '[ \\t\\n\\x0B\\f\\r]';
const JAVA_NON_SPACE = '[^ \\t\\n\\x0B\\f\\r]';
const ARGS_PATTERN = new RegExp(`${JAVA_SPACE}*([^"']${JAVA_NON_SPACE}*|"[^"]*"|'[^']*')${JAVA_SPACE}*`, 'g');
const QUOTED_PATTERN = /^(['"])(.*)\1$/;

/** The words of one line; none for a line of lone quotes (zkCli then runs the previous command again). */
export function parseCommandLine(line: string): string[] {
  const tokens: string[] = [];
  for (const match of line.matchAll(ARGS_PATTERN)) {
    let value = match[1]!;
    if (QUOTED_PATTERN.test(value)) value = value.slice(1, -1);
    tokens.push(value);
  }
  return tokens;
}
