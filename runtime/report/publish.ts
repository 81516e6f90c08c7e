/**
 * Hands a finished report to the user: its text to the stream, the object to `onReport`. A stream or
 * callback that throws is said once on stderr and never reaches the profiled method's caller.
 */
import { describeError, sayOnce } from '../stderr';
import { collectPprof } from './pprof-file';
import { formatJson, formatText } from '.';
import { recordReport } from './report-file';
import type { ResolvedOptions } from '../settings';
import type { Report, ReportStream } from '../types';

export function publish(report: Report, options: ResolvedOptions): void {
  try {
    write(options.stream, options.format === 'json' ? formatJson(report) : formatText(report));
  } catch (error) {
    sayOnce('stream', `the report stream's write() threw, reports are lost: ${describeError(error)}`);
  }
  if (options.pprof !== undefined) collectPprof(report, options.pprof);
  recordReport(report);
  if (options.onReport) {
    try {
      options.onReport(report);
    } catch (error) {
      sayOnce('onReport', `onReport threw: ${describeError(error)}`);
    }
  }
}

/** A Node writable stream (process.stdout, a file or socket stream): it reports failures as 'error' events. */
interface NodeStream {
  write(text: string, callback?: (error?: Error | null) => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

function isNodeStream(stream: ReportStream): stream is NodeStream {
  const s = stream as Partial<NodeStream>;
  return typeof s.once === 'function' && typeof s.removeListener === 'function';
}

function ignore(): void {}

/**
 * A Node stream fails asynchronously: writing to a pipe whose reader went away (`| head -3`) emits
 * EPIPE as an 'error' event a tick later, which, with no listener, is an uncaught exception that ends
 * the program. So the profiler's write brings a listener for its own failure, as Node's console does,
 * even when others listen (a stream something pipes into, as Node pipes a worker's output into
 * stdout, has a listener that throws again when it is the last one), and says the failure once on
 * stderr. The listener is gone again a turn later, so the program's own writes fail as they would
 * without the profiler. (stdout is never destroyed: each later write fails and emits again.)
 */
function write(stream: ReportStream, text: string): void {
  if (!isNodeStream(stream)) {
    stream.write(text);
    return;
  }
  // Also catches a synchronous 'error' (files, TTYs).
  stream.once('error', ignore);
  let returned = false;
  let failed = false;
  try {
    stream.write(text, (error) => {
      if (error === null || error === undefined || failed) return;
      failed = true;
      sayOnce('stream-failed', `the report stream failed, reports are lost: ${describeError(error)}`);
      if (returned) stream.once('error', ignore);
      // The event is emitted from the same turn's tick queue: an immediate runs after it.
      setImmediate(() => stream.removeListener('error', ignore)).unref();
    });
  } finally {
    returned = true;
    if (!failed) stream.removeListener('error', ignore);
  }
}
