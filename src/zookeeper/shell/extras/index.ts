// Commands beyond zkCli's own (browse, tree, find, du); the shell's registry appends them after zkCli's.
import type { ShellCommand } from '../command.js';

export const EXTRA_COMMANDS: ShellCommand[] = [];
