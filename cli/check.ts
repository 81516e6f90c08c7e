/**
 * `ts-mprof check --baseline budgets.json [--update] [--bytes N] [--percent P] [--markdown FILE] reports.jsonl`:
 * per-line budgets in CI (testing/baseline.ts). The JSON reports of a run (best with
 * `--backend exact`) are compared with the committed baseline: the per-line diff is printed as a
 * table (and written as Markdown for a pull-request comment), exit 1 when a line grew beyond the
 * tolerance; `--update` rewrites the baseline with the run's lines instead.
 */
import * as fs from 'fs';
import { DEFAULT_TOLERANCE, baselineOf, compareBaseline, describeFailures, diffMarkdown, diffTable, readBaseline, updateBaseline } from '../testing/baseline';
import { parseBytes } from '../testing/bytes';
import { readArguments } from './args';
import { DatError } from './dat';
import { readReports } from './html';
import { guarded } from './recordings';
import { UsageError } from './usage';

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
        try {
          tolerance.bytes = parseBytes(/^\d+$/.test(flag.value()) ? Number(flag.value()) : flag.value(), '--bytes', 'check');
        } catch (error) {
          throw new UsageError((error as Error).message.replace(/^ts-memory-profiler: /, ''));
        }
        break;
      case '--percent': {
        const value = Number(flag.value());
        if (!(value >= 0)) throw new UsageError(`--percent must be a number from 0, got '${flag.value()}'`);
        tolerance.percent = value;
        break;
      }
      default:
        throw new UsageError(`unknown option '${flag.name}'`);
    }
  });
  if (baseline === undefined) throw new UsageError('check needs --baseline FILE');
  if (operands.length !== 1) throw new UsageError(`check takes one file of JSON reports, got ${operands.length}`);
  let failed = false;
  const code = guarded('check', () => {
    const reports = readReports(operands[0]);
    if (reports.length === 0) throw new DatError(`${operands[0]}: no JSON reports in it (write them with --format json)`);
    if (update) {
      updateBaseline(baseline!, baselineOf(reports));
      process.stdout.write(`${baseline}: the lines of ${new Set(reports.map((r) => r.name)).size} method(s) written\n`);
      return;
    }
    let base;
    try {
      base = readBaseline(baseline!);
    } catch (error) {
      throw new DatError((error as Error).message);
    }
    const diffs = compareBaseline(reports, base, tolerance);
    process.stdout.write(diffTable(diffs));
    if (markdown !== undefined) fs.writeFileSync(markdown, diffMarkdown(diffs));
    failed = diffs.some((d) => d.failed);
    if (failed) process.stderr.write(`ts-mprof check: lines grew against ${baseline}:\n${describeFailures(diffs, tolerance)}\n`);
  });
  return code !== 0 ? code : failed ? 1 : 0;
}
