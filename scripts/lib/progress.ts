/** A terminal progress bar (count, percent, rate, ETA); plain periodic lines when not on a TTY. */

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}

export class ProgressBar {
  readonly #label: string;
  readonly #total: number;
  readonly #unit: string;
  readonly #started = performance.now();
  readonly #tty = Boolean(process.stderr.isTTY);
  #done = 0;
  #lastDraw = 0;

  constructor(label: string, total: number, unit = 'img') {
    this.#label = label;
    this.#total = total;
    this.#unit = unit;
  }

  get rate(): number {
    return this.#done / ((performance.now() - this.#started) / 1000);
  }

  tick(count = 1): void {
    this.#done += count;
    const now = performance.now();
    // Redraw at most 10 times a second on a TTY, every 5 s in logs.
    if (this.#done < this.#total && now - this.#lastDraw < (this.#tty ? 100 : 5000)) return;
    this.#lastDraw = now;
    this.#draw();
  }

  finish(): void {
    if (this.#tty) process.stderr.write('\n');
  }

  #draw(): void {
    const fraction = this.#total ? this.#done / this.#total : 1;
    const width = 28;
    const filled = Math.round(fraction * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const rate = this.rate;
    const eta = clock((this.#total - this.#done) / rate);
    const line =
      `${this.#label} ${bar} ${this.#done}/${this.#total} ${(fraction * 100).toFixed(0)}% ` +
      `${rate.toFixed(1)} ${this.#unit}/s ETA ${eta}`;
    if (this.#tty) process.stderr.write(`\r${line}\x1b[K`);
    else process.stderr.write(line + '\n');
  }
}
