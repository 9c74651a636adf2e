// zkCli 3.8 parses each command's arguments with Apache commons-cli 1.5's DefaultParser; this reproduces its
// rules (bundled short options, `-tVALUE`, `-t=VALUE`, `--` ends options, negative numbers as values, option
// groups) and its exception texts, which zkCli prints as `org.apache.commons.cli.<Exception>: <message>`.
import { CliError } from './cli-error.js';

export interface OptionSpec {
  /** The short name as commons-cli knows it; zkCli's reconfig uses several letters (`-add`, `-members`). */
  name: string;
  hasArg?: boolean;
  description: string;
}

export interface OptionGroupSpec {
  names: string[];
  required?: boolean;
}

export interface OptionsSpec {
  options: OptionSpec[];
  groups?: OptionGroupSpec[];
}

export interface ParsedCommandLine {
  /** Non-option arguments, the command name first (zkCli passes it along). */
  args: string[];
  has(name: string): boolean;
  /** The option's first value, or undefined. */
  value(name: string): string | undefined;
}

const PACKAGE = 'org.apache.commons.cli';

/** A commons-cli ParseException as zkCli prints it (CliParseException wraps it: message = cause.toString()). */
function parseError(exception: string, message: string): CliError {
  return new CliError(`${PACKAGE}.${exception}: ${message}`);
}

function stripLeadingHyphens(text: string): string {
  if (text.startsWith('--')) return text.slice(2);
  if (text.startsWith('-')) return text.slice(1);
  return text;
}

/** Util.stripLeadingAndTrailingQuotes: one pair of double quotes around a value without inner quotes. */
function stripQuotes(text: string): string {
  if (text.length > 1 && text.startsWith('"') && text.endsWith('"') && !text.slice(1, -1).includes('"')) return text.slice(1, -1);
  return text;
}

/** Whether Java's Double.parseDouble accepts the text. */
function isJavaDouble(text: string): boolean {
  return /^[\s\0-\x20]*[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+)[fFdD]?)[\s\0-\x20]*$/.test(text);
}

interface Selected {
  spec: OptionSpec;
  values: string[];
}

/** One DefaultParser.parse call. */
class Parser {
  private readonly byName = new Map<string, OptionSpec>();
  private readonly groupOf = new Map<string, { group: OptionGroupSpec; index: number }>();
  private readonly selectedInGroup = new Map<number, string>();
  private readonly expectedGroups = new Set<number>();
  private readonly selected: Selected[] = [];
  private readonly args: string[] = [];
  private current: Selected | null = null;
  private skipParsing = false;

  constructor(private readonly spec: OptionsSpec) {
    for (const option of spec.options) this.byName.set(option.name, option);
    (spec.groups ?? []).forEach((group, index) => {
      for (const name of group.names) this.groupOf.set(name, { group, index });
      if (group.required) this.expectedGroups.add(index);
    });
  }

  parse(tokens: readonly string[]): ParsedCommandLine {
    for (const token of tokens) this.handleToken(token);
    this.checkRequiredArgs();
    this.checkRequiredOptions();
    const selected = this.selected;
    return {
      args: this.args,
      has: (name) => selected.some((s) => s.spec.name === name),
      value: (name) => selected.find((s) => s.spec.name === name)?.values[0],
    };
  }

  private hasShortOption(name: string): boolean {
    return this.byName.has(stripLeadingHyphens(name));
  }

  private option(name: string): OptionSpec | undefined {
    return this.byName.get(stripLeadingHyphens(name));
  }

  private acceptsArg(s: Selected | null): boolean {
    return s !== null && s.spec.hasArg === true && s.values.length < 1;
  }

  private isShortOption(token: string): boolean {
    if (!token.startsWith('-') || token.length === 1) return false;
    const eq = token.indexOf('=');
    const name = eq === -1 ? token.slice(1) : token.slice(1, eq);
    if (this.hasShortOption(name)) return true;
    return name.length > 0 && this.hasShortOption(name[0]!);
  }

  private isArgument(token: string): boolean {
    return !this.isShortOption(token) || isJavaDouble(token);
  }

  private handleToken(token: string): void {
    if (this.skipParsing) this.args.push(token);
    else if (token === '--') this.skipParsing = true;
    else if (this.current && this.acceptsArg(this.current) && this.isArgument(token)) this.current.values.push(stripQuotes(token));
    else if (token.startsWith('--')) this.handleUnknownToken(token); // no long options are defined
    else if (token.startsWith('-') && token !== '-') this.handleShortAndLongOption(token);
    else this.handleUnknownToken(token);
    if (this.current && !this.acceptsArg(this.current)) this.current = null;
  }

  private handleShortAndLongOption(token: string): void {
    const t = stripLeadingHyphens(token);
    const eq = t.indexOf('=');
    if (t.length === 1) {
      const option = this.option(t);
      if (option) this.handleOption(option);
      else this.handleUnknownToken(token);
    } else if (eq === -1) {
      const option = this.option(t);
      if (option) this.handleOption(option);
      else this.handleConcatenatedOptions(token);
    } else {
      const name = t.slice(0, eq);
      const value = t.slice(eq + 1);
      const option = name.length === 1 ? this.option(name) : undefined;
      if (option && option.hasArg) {
        this.handleOption(option);
        this.current!.values.push(value);
        this.current = null;
      } else {
        this.handleUnknownToken(token);
      }
    }
  }

  private handleConcatenatedOptions(token: string): void {
    for (let i = 1; i < token.length; i++) {
      const option = this.option(token[i]!);
      if (!option) {
        this.handleUnknownToken(token);
        break;
      }
      this.handleOption(option);
      if (this.current && token.length !== i + 1) {
        this.current.values.push(token.slice(i + 1));
        break;
      }
    }
  }

  private handleUnknownToken(token: string): void {
    if (token.startsWith('-') && token.length > 1) throw parseError('UnrecognizedOptionException', `Unrecognized option: ${token}`);
    this.args.push(token);
  }

  private handleOption(spec: OptionSpec): void {
    this.checkRequiredArgs();
    const inGroup = this.groupOf.get(spec.name);
    if (inGroup) {
      this.expectedGroups.delete(inGroup.index);
      const already = this.selectedInGroup.get(inGroup.index);
      if (already !== undefined && already !== spec.name) {
        throw parseError(
          'AlreadySelectedException',
          `The option '${spec.name}' was specified but an option from this group has already been selected: '${already}'`,
        );
      }
      this.selectedInGroup.set(inGroup.index, spec.name);
    }
    const selected: Selected = { spec, values: [] };
    this.selected.push(selected);
    this.current = spec.hasArg ? selected : null;
  }

  private checkRequiredArgs(): void {
    if (this.current && this.current.spec.hasArg && this.current.values.length === 0) {
      throw parseError('MissingArgumentException', `Missing argument for option: ${this.current.spec.name}`);
    }
  }

  private checkRequiredOptions(): void {
    if (this.expectedGroups.size === 0) return;
    const groups = this.spec.groups ?? [];
    const missing = [...this.expectedGroups].map((index) => {
      const names = groups[index]!.names.map((name) => `-${name} ${this.byName.get(name)!.description}`);
      return `[${names.join(', ')}]`;
    });
    throw parseError('MissingOptionException', `Missing required option${missing.length === 1 ? '' : 's'}: ${missing.join(', ')}`);
  }
}

export function parseOptions(spec: OptionsSpec, tokens: readonly string[]): ParsedCommandLine {
  return new Parser(spec).parse(tokens);
}
