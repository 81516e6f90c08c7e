/**
 * `ts-mprof check --baseline budgets.json [--update] [--bytes N] [--percent P] [--markdown FILE] reports.jsonl`:
 * per-line budgets in CI (testing/baseline.ts). The per-line Peaks of a run's JSON reports
 * (`ts-mprof run --peak --format json -o reports.jsonl app.ts`) are compared with the committed
 * baseline: the per-line diff is printed as a table (and written as Markdown for a pull-request
 * comment), exit 1 when a line grew beyond the tolerance; `--update` writes the run's lines into
 * the baseline instead. A bad file is one line and exit 2 (guarded), a bad argument the usage and 2.
 */
import * as fs from 'fs';
import {
  BaselineError,
  DEFAULT_TOLERANCE,
  baselineOf,
  compareBaseline,
  describeFailures,
  diffMarkdown,
  diffTable,
  readBaseline,
  updateBaseline,
} from '../testing/baseline';
import { parseBytes } from '../testing/bytes';
import { readArguments } from './args';
import { DatError } from './dat';
import { readReports } from './html';
import { guarded } from './recordings';
import { UsageError } from './usage';

function bytesOption(text: string): number {
  try {
    return parseBytes(/^\d+(\.\d*)?$/.test(text) ? Number(text) : text, '--bytes', 'check');
  } catch {
    throw new UsageError(`--bytes must be a number of bytes or a size such as '64 KiB' (B, KB, MB, GB, KiB, MiB, GiB), got '${text}'`);
  }
}

function percentOption(text: string): number {
  const value = /^\d+(\.\d*)?$|^\.\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isFinite(value)) throw new UsageError(`--percent must be a number from 0, got '${text}'`);
  return value;
}

/** Baseline problems are a file's, like a bad recording's: one line, exit 2. */
function asFileError<T>(body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof BaselineError) throw new DatError(error.missing ? `${error.message} (write it with --update)` : error.message);
    throw error;
  }
}

export function main(args: string[]): number {
  let baseline: string | undefined;
  let markdown: string | undefined;
  let update = false;
  const tolerance = { ...DEFAULT_TOLERANCE };
  const operands = readArguments(args, (flag) => {
    switch (flag.name) {
      case '--baseline':
        baseline = flag.value();
        break;
      case '--markdown':
        markdown = flag.value();
        break;
      case '--update':
        flag.noValue();
        update = true;
        break;
      case '--bytes':
        tolerance.bytes = bytesOption(flag.value());
        break;
      case '--percent':
        tolerance.percent = percentOption(flag.value());
        break;
      default:
        throw new UsageError(`unknown option '${flag.name}'`);
    }
  });
  if (baseline === undefined || baseline === '') throw new UsageError('check needs --baseline FILE');
  if (operands.length !== 1) throw new UsageError(`check takes one file of JSON reports, got ${operands.length}`);
  const file = baseline;
  let failed = false;
  const code = guarded('check', () => {
    // The baseline first: a missing or corrupt one is said before the reports are read.
    const base = asFileError(() => readBaseline(file, update));
    const reports = readReports(operands[0]);
    if (reports.length === 0)
      throw new DatError(`${operands[0]}: no JSON reports in it (record them with ts-mprof run --peak --format json -o FILE)`);
    if (update) {
      const fresh = asFileError(() => baselineOf(reports, file));
      asFileError(() => updateBaseline(file, fresh));
      const count = Object.keys(fresh.methods).length;
      process.stdout.write(`${file}: the lines of ${count} method${count === 1 ? '' : 's'} written\n`);
      return;
    }
    const diffs = asFileError(() => compareBaseline(reports, base, file, tolerance));
    process.stdout.write(diffTable(diffs));
    if (markdown !== undefined) {
      try {
        fs.writeFileSync(markdown, diffMarkdown(diffs));
      } catch (error) {
        throw new DatError(`cannot write ${markdown}: ${(error as Error).message}`);
      }
    }
    failed = diffs.some((d) => d.failed);
    if (failed) process.stderr.write(`ts-mprof check: lines grew against ${file}:\n${describeFailures(diffs, tolerance)}\n`);
  });
  return code !== 0 ? code : failed ? 1 : 0;
}
