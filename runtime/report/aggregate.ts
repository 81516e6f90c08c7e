/**
 * `aggregate: true`: like `python -m memory_profiler`, one table per method, written when the process
 * exits and summed over all its calls, instead of one table per call. Per line: Mem usage is the
 * largest over the calls (so is Peak), Increment and Occurrences the sums. The `@profile` row keeps the first
 * call's entry reading as its Increment (a sum of entry readings would mean nothing); its
 * Occurrences are the number of calls.
 */
import { atSignalExit } from '../exit-signals';
import { publish } from './publish';
import type { ResolvedOptions } from '../settings';
import type { LineTable, Report, ReportLine } from '../types';

interface Total {
  report: Report;
  /** The options of the latest call: where and how the total is written. */
  options: ResolvedOptions;
  /** Index of the `@profile` row in the report's lines. */
  entry: number;
}

/** One total per instrumented method (per line table), in the order of their first finished call. */
const totals = new Map<LineTable, Total>();

/** Adds one finished call's report to its method's total. The totals are written at exit. */
export function aggregate(table: LineTable, report: Report, options: ResolvedOptions): void {
  const total = totals.get(table);
  if (total === undefined) {
    if (totals.size === 0) {
      process.once('exit', writeTotals);
      // Ctrl-C or a kill ends the process without 'exit': the totals are written then too.
      atSignalExit(writeTotals);
    }
    const lines = report.lines.map((line) => ({ ...line }));
    totals.set(table, { report: { ...report, lines }, options, entry: table.entry - table.first });
    return;
  }
  total.options = options;
  total.report.precision = report.precision;
  add(total, report.lines);
}

function add(total: Total, lines: readonly ReportLine[]): void {
  const sum = total.report.lines;
  // The GC columns only when every call had them: a partial sum would be a wrong figure.
  const gc = sum[0]?.allocatedBytes !== undefined && lines[0]?.allocatedBytes !== undefined;
  for (let i = 0; i < sum.length && i < lines.length; i++) {
    const into = sum[i];
    const line = lines[i];
    into.occurrences += line.occurrences;
    if (line.memBytes !== null) into.memBytes = into.memBytes === null ? line.memBytes : Math.max(into.memBytes, line.memBytes);
    // Peak, like Mem usage, is the largest over the calls.
    if (into.peakBytes !== undefined || line.peakBytes !== undefined) {
      const a = into.peakBytes ?? null;
      const b = line.peakBytes ?? null;
      into.peakBytes = a === null ? b : b === null ? a : Math.max(a, b);
    }
    if (line.collections !== undefined) into.collections = (into.collections ?? 0) + line.collections;
    if (!gc) {
      delete into.allocatedBytes;
      delete into.gcFreedBytes;
    }
    if (i === total.entry && into.incrementBytes !== null) continue;
    into.incrementBytes = plus(into.incrementBytes, line.incrementBytes);
    if (gc) {
      into.allocatedBytes = plus(into.allocatedBytes ?? null, line.allocatedBytes ?? null);
      into.gcFreedBytes = plus(into.gcFreedBytes ?? null, line.gcFreedBytes ?? null);
    }
  }
}

/** A sum where null means "never ran". */
function plus(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : a + b;
}

/** At exit: each method's total, to the stream (and `onReport`) of its latest call. Never throws. */
function writeTotals(): void {
  for (const { report, options } of totals.values()) publish(report, options);
  totals.clear();
}
