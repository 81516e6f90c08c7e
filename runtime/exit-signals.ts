/**
 * Work that must happen when the process ends, also when it ends by a signal: `aggregate: true`
 * writes its totals at exit, and `python -m memory_profiler` prints its table on Ctrl-C too. Node
 * emits no 'exit' when SIGINT, SIGTERM or SIGHUP kill the process, so these are listened for here.
 *
 * A listener would stop Node's default (the process no longer dies), so the listener acts only when
 * it is the program's only one: it runs the work, removes itself and raises the signal again, and
 * the process ends as the signal would (exit status 130, 143, 129 to its parent). A program with
 * its own listener handles the signal itself; if it then exits, 'exit' runs the work as usual.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const work: Array<() => void> = [];

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  // Work may add work (a report published now goes into a profile written after it).
  for (let run = work.shift(); run !== undefined; run = work.shift()) run();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.kill(process.pid, signal);
}

/** Runs `run` (which must not throw) before the process dies of SIGINT, SIGTERM or SIGHUP. */
export function atSignalExit(run: () => void): void {
  if (work.length === 0) for (const s of SIGNALS) process.on(s, onSignal);
  work.push(run);
}
