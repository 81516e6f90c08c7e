/**
 * Hands a finished report to the user: its text to the stream, the object to `onReport`. A stream or
 * callback that throws is said once on stderr and never reaches the profiled method's caller.
 */
import { describeError, sayOnce } from './problems';
import { collectPprof } from './pprof-file';
import { formatJson, formatText } from './report';
import { recordReport } from './report-file';
import type { Resolved } from './settings';
import type { Report } from './types';

export function publish(report: Report, options: Resolved): void {
  try {
    options.stream.write(options.format === 'json' ? formatJson(report) : formatText(report));
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
