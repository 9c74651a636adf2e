// What the ZNode browser asks of a terminal UI. The browser takes one of these, so its logic runs the same
// under inquirer on a real terminal and under a scripted prompter in tests.

/** What `menu` resolves with when `interrupt()` ended it early (a watch event arrived). */
export const INTERRUPTED: unique symbol = Symbol('interrupted');

export interface MenuChoice<T> {
  name: string;
  value: T;
  description?: string;
  /** A reason shown next to an item that cannot be picked. */
  disabled?: string;
}

export type MenuEntry<T> = MenuChoice<T> | { separator: string };

export const isSeparator = <T>(entry: MenuEntry<T>): entry is { separator: string } => 'separator' in entry;

export interface InputOptions {
  /** Put in the line for editing. */
  initial?: string;
  /** true when the answer is acceptable, else the message to show. */
  validate?: (answer: string) => true | string;
}

export interface Prompter {
  /** The browser's main menu: the one prompt `interrupt()` can end early. */
  menu<T>(message: string, entries: readonly MenuEntry<T>[], options?: { default?: T; pageSize?: number }): Promise<T | typeof INTERRUPTED>;
  select<T>(message: string, choices: readonly MenuChoice<T>[], defaultValue?: T): Promise<T>;
  input(message: string, options?: InputOptions): Promise<string>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
  /** Ends the menu on screen now, if one is showing; otherwise nothing happens. */
  interrupt(): void;
}

/** The user closed a prompt (Ctrl-C, Ctrl-D): the browser leaves. */
export class PromptClosedError extends Error {
  override readonly name = 'PromptClosedError';
}
