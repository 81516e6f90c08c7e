/**
 * For `ts-mprof run --html`: when TS_MPROF_REPORTS names a file, every report published is also
 * appended to it as a JSON line (whatever the format and stream), for the command to turn into its
 * HTML report after the program exits. Unset, publishing costs one check. Never throws.
 */
import * as fs from 'fs';
import { describeError, sayOnce } from '../stderr';
import { formatJson } from '.';
import type { Report } from '../types';

export const REPORTS_ENV = 'TS_MPROF_REPORTS';

const file = process.env[REPORTS_ENV] || undefined;
let fd: number | null | undefined;

export function recordReport(report: Report): void {
  if (file === undefined || fd === null) return;
  try {
    if (fd === undefined) fd = fs.openSync(file, 'a');
    fs.writeSync(fd, formatJson(report));
  } catch (error) {
    fd = null;
    sayOnce('reports-file', `could not write the reports for ts-mprof run --html to ${file}: ${describeError(error)}`);
  }
}
