/**
 * Progress of a long `ts-mprof` read on stderr, when stderr is a terminal: after a second, a live
 * line ("ts-mprof plot: reading x.dat, 45%") rewritten at most four times a second, cleared at the
 * end. Nothing when stderr is a file or a pipe, so scripts and tests see only the result.
 */
import type { Progress } from './dat';
import { printable } from './printable';

export interface ProgressLine {
  update: Progress;
  /** Clears the line, if one was shown. */
  done(): void;
}

export function progressOnTerminal(command: string, file: string, stream: NodeJS.WriteStream = process.stderr): ProgressLine {
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      if (stream.isTTY !== true) return;
      const now = Date.now();
      if (now - started < 1000 || now - last < 250) return;
      last = now;
      shown = true;
      const percent = total > 0 ? ` ${Math.floor((done / total) * 100)}%` : '';
      stream.write(`\r\x1b[Kts-mprof ${command}: reading ${printable(file)},${percent}`);
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
