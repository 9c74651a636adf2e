// Commands beyond zkCli's own (browse, tree, find, du); the shell's registry appends them after zkCli's.
// Each module here is light: browse loads the browser and inquirer only when it runs.
import type { ShellCommand } from '../command.js';
import { browseCommand } from './browse-command.js';
import { duCommand } from './du-command.js';
import { findCommand } from './find-command.js';
import { treeCommand } from './tree-command.js';

export const EXTRA_COMMANDS: ShellCommand[] = [browseCommand, treeCommand, findCommand, duCommand];
