// The Prompter on a real terminal, with inquirer. Loaded only when `browse` runs: inquirer and its prompts are
// the heaviest modules the shell uses.
import inquirer from 'inquirer';
import { INTERRUPTED, isSeparator, PromptClosedError, type InputOptions, type MenuChoice, type MenuEntry, type Prompter } from './prompter.js';

type Question = Record<string, unknown> & { type: string; message: string };
type Ask = (question: Question) => Promise<{ answer: unknown }>;

function promptModule(options: { signal?: AbortSignal; clearPromptOnDone?: boolean }): Ask {
  return inquirer.createPromptModule(options) as unknown as Ask;
}

/** inquirer's AbortPromptError (our interrupt) and ExitPromptError (Ctrl-C) are told apart by name. */
function errorName(err: unknown): string {
  return err instanceof Error ? err.name : '';
}

export class InquirerPrompter implements Prompter {
  private menuAbort: AbortController | null = null;

  async menu<T>(message: string, entries: readonly MenuEntry<T>[], options: { default?: T; pageSize?: number } = {}): Promise<T | typeof INTERRUPTED> {
    const abort = new AbortController();
    this.menuAbort = abort;
    const choices = entries.map((entry) => (isSeparator(entry) ? new inquirer.Separator(entry.separator) : entry));
    try {
      // The menu erases itself when done: what the user picked shows in what the browser prints next, and a menu
      // ended by an event must not stay on screen above the event.
      const ask = promptModule({ signal: abort.signal, clearPromptOnDone: true });
      const { answer } = await ask({ type: 'select', name: 'answer', message, choices, default: options.default, pageSize: options.pageSize, loop: false });
      return answer as T;
    } catch (err) {
      if (abort.signal.aborted && errorName(err) === 'AbortPromptError') return INTERRUPTED;
      throw this.closed(err);
    } finally {
      if (this.menuAbort === abort) this.menuAbort = null;
    }
  }

  interrupt(): void {
    this.menuAbort?.abort();
  }

  async select<T>(message: string, choices: readonly MenuChoice<T>[], defaultValue?: T): Promise<T> {
    return (await this.ask({ type: 'select', message, choices, default: defaultValue, loop: false })) as T;
  }

  async input(message: string, options: InputOptions = {}): Promise<string> {
    const question: Question = { type: 'input', message };
    if (options.initial) Object.assign(question, { default: options.initial, prefill: 'editable' });
    if (options.validate) question['validate'] = options.validate;
    return (await this.ask(question)) as string;
  }

  async confirm(message: string, defaultValue: boolean): Promise<boolean> {
    return (await this.ask({ type: 'confirm', message, default: defaultValue })) as boolean;
  }

  private async ask(question: Question): Promise<unknown> {
    try {
      const { answer } = await promptModule({})({ ...question, name: 'answer' });
      return answer;
    } catch (err) {
      throw this.closed(err);
    }
  }

  private closed(err: unknown): unknown {
    return errorName(err) === 'ExitPromptError' ? new PromptClosedError('prompt closed', { cause: err }) : err;
  }
}
