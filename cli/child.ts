/**
 * What `ts-mprof run` and `ts-mprof run --timeline` do alike with the program they start: pass
 * signals on, and report its end as a shell would.
 */
import type { ChildProcess } from 'child_process';
import * as os from 'os';

/**
 * While `child` runs: the terminal's Ctrl-C reaches it too (same process group), so ts-mprof ignores
 * SIGINT and waits for it to finish rather than die first; a SIGTERM or SIGHUP sent to ts-mprof alone
 * is passed on. Returns what takes the handlers off again.
 */
export function forwardSignals(child: ChildProcess): () => void {
  const ignore = () => undefined;
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  const handlers: Array<[NodeJS.Signals, (signal: NodeJS.Signals) => void]> = [
    ['SIGINT', ignore],
    ['SIGTERM', forward],
    ['SIGHUP', forward],
  ];
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

/** A child's exit as a shell reports it: its code, or 128 + the number of the signal that ended it. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  return code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0);
}
