/**
 * The `pprof: 'file'` option (and `ts-mprof run --pprof file`): every report published is also
 * summed into that file's profile (runtime/report/pprof.ts), written when the process exits, also by
 * Ctrl-C or SIGTERM (exit-signals.ts). Only the per-line sums are kept, so a million calls cost no
 * more memory than one. Writing never throws: a failure is one line on stderr.
 */
import * as fs from 'fs';
import * as path from 'path';
import { atSignalExit } from '../exit-signals';
import { PprofTotals } from './pprof';
import { describeError, sayOnce } from '../stderr';
import type { Report } from '../types';

/** Per file (absolute path), its profile so far. */
const profiles = new Map<string, PprofTotals>();
let exiting = false;

// Registered as the runtime loads, so it runs before 'exit' listeners added later (aggregate's
// totals): those published during 'exit' are then written at once (below).
process.once('exit', () => {
  exiting = true;
  writeAll();
});

export function collectPprof(report: Report, file: string): void {
  const target = path.resolve(file);
  let totals = profiles.get(target);
  if (totals === undefined) {
    if (profiles.size === 0) atSignalExit(writeAll);
    profiles.set(target, (totals = new PprofTotals()));
  }
  try {
    totals.add(report);
  } catch (error) {
    sayOnce('pprof', `could not add a report to the pprof profile ${file}: ${describeError(error)}`);
  }
  if (exiting) write(target, totals);
}

function write(file: string, totals: PprofTotals): void {
  try {
    fs.writeFileSync(file, totals.encode());
  } catch (error) {
    sayOnce('pprof', `could not write the pprof profile ${file}: ${describeError(error)}`);
  }
}

function writeAll(): void {
  for (const [file, totals] of profiles) write(file, totals);
}
