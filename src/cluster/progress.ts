// Progress of a cluster's start, one line per node: on a terminal an ora spinner names the nodes still awaited and
// each node gets its ✔ line once ready; elsewhere only the ready lines are printed. Everything goes to stderr.
import type { Ora } from 'ora';

export class ProgressBoard {
  private readonly waiting = new Set<string>();
  private phase = '';

  private constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly spinner: Ora | undefined,
  ) {}

  /** A spinner only on a terminal that allows it (not NO_COLOR / TERM=dumb). */
  static async create(stream: NodeJS.WriteStream = process.stderr): Promise<ProgressBoard> {
    // A terminal that reports no width (some pseudo-terminals) would make ora clear lines without end.
    const enabled = stream.isTTY === true && (stream.columns ?? 0) > 0 && !process.env['NO_COLOR'] && process.env['TERM'] !== 'dumb';
    if (!enabled) return new ProgressBoard(stream, undefined);
    const { default: ora } = await import('ora');
    return new ProgressBoard(stream, ora({ stream, discardStdin: false }));
  }

  /** Spins `phase: <names>` until each name is done(). */
  wait(phase: string, names: readonly string[]): void {
    for (const n of names) this.waiting.add(n);
    this.phase = phase;
    this.refresh();
  }

  done(name: string, text: string): void {
    this.waiting.delete(name);
    if (this.spinner) {
      this.spinner.stopAndPersist({ symbol: '✔', text });
    } else {
      this.stream.write(`${text}\n`);
    }
    this.refresh();
  }

  /** A line of its own, above the spinner. */
  note(text: string): void {
    if (this.spinner) this.spinner.stopAndPersist({ symbol: ' ', text });
    else this.stream.write(`${text}\n`);
    this.refresh();
  }

  private refresh(): void {
    if (!this.spinner) return;
    if (this.waiting.size === 0) {
      this.spinner.stop();
      return;
    }
    this.spinner.start(`${this.phase}: ${[...this.waiting].join(', ')}`);
  }

  stop(): void {
    this.spinner?.stop();
    this.waiting.clear();
  }
}
