/**
 * Turns a finished frame into a report, and a report into memory_profiler 0.61's text table or a
 * line of JSON.
 */
import * as path from 'path';
import type { Frame } from '../frame';
import type { Backend } from '../readings';
import type { LineTable, Report, ReportLine } from '../types';

/**
 * @param gcFreed with `gc: true`: what collections inside each line's intervals freed (gc.ts); the
 *   report then has Allocated and GC freed
 */
export function buildReport(
  frame: Frame,
  table: LineTable,
  name: string,
  precision: number,
  backend: Backend,
  gcFreed?: Float64Array,
): Report {
  const lines = table.lines.map((source, index): ReportLine => {
    const occurrences = frame.occurrences(index);
    const ran = occurrences > 0;
    const increment = frame.increment(index);
    const mem = frame.mem(index);
    const line: ReportLine = {
      line: table.first + index,
      source,
      occurrences,
      memBytes: ran ? mem : null,
      incrementBytes: ran ? increment : null,
    };
    if (frame.peak !== null) line.peakBytes = ran ? frame.peakOf(index) : null;
    // The default backend's collections (settle.ts) that ran in the line's intervals, where any did.
    const collections = frame.clock?.marks?.[index] ?? 0;
    if (collections > 0) line.collections = collections;
    if (gcFreed) {
      // A line whose heap went down had collections (or their sweeping) free at least that much:
      // its Allocated is never negative.
      const freed = Math.max(gcFreed[index], -increment);
      line.allocatedBytes = ran ? increment + freed : null;
      line.gcFreedBytes = ran ? freed : null;
    }
    return line;
  });
  return { file: displayPath(table.file), name, precision, backend, lines };
}

let shownFrom = '';
const shown = new Map<string, string>();

/**
 * The source path relative to the working directory when it is inside it, else absolute. Kept per
 * file until the working directory changes: `path.relative` on every report was a sixth of the time
 * of a run where every method of a library was profiled.
 */
export function displayPath(file: string): string {
  if (!path.isAbsolute(file)) return file;
  const cwd = process.cwd();
  if (cwd !== shownFrom) {
    shown.clear();
    shownFrom = cwd;
  }
  let display = shown.get(file);
  if (display === undefined) {
    const relative = path.relative(cwd, file);
    display = relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
    shown.set(file, display);
  }
  return display;
}

// memory_profiler's row template, '{0:>6} {1:>12} {2:>12}  {3:>10}   {4}', applied to the titles too
// ('Occurrences' overflows its 10 columns by one, as in memory_profiler). `peak: true` inserts Peak,
// and `gc: true` Allocated and GC freed, after Occurrences, each like Increment.
const HEADER_START = 'Line #    Mem usage    Increment  Occurrences';
const PEAK_TITLE = '         Peak';
const GC_TITLES = '    Allocated     GC freed';
const MIB = 2n ** 20n;

/**
 * Bytes as MiB with `precision` decimals, rounded half to even on the exact value, like Python's
 * `'%.{p}f'` (JavaScript's toFixed rounds ties up and works on the already-rounded double).
 */
export function formatMiB(bytes: number, precision: number): string {
  const negative = bytes < 0;
  const scale = 10n ** BigInt(precision);
  const scaled = BigInt(Math.round(Math.abs(bytes))) * scale;
  let units = scaled / MIB;
  const rest = scaled % MIB;
  if (rest * 2n > MIB || (rest * 2n === MIB && units % 2n === 1n)) units += 1n;
  const digits = units.toString().padStart(precision + 1, '0');
  const whole = digits.slice(0, digits.length - precision);
  const fraction = precision > 0 ? '.' + digits.slice(digits.length - precision) : '';
  // Python prints -0.0 for a small negative; so does this (it was a real, if tiny, decrease).
  return `${negative ? '-' : ''}${whole}${fraction}`.padStart(precision + 4) + ' MiB';
}

/** The `@profile` row says what the profiler's collections did (settle.ts); the lines they ran in are marked `*`. */
function collectionsNote(report: Report): string {
  let count = 0;
  for (const row of report.lines) count += row.collections ?? 0;
  if (count === 0) return '';
  return `   // ${count} full collection${count === 1 ? '' : 's'} by the profiler, in the lines marked *`;
}

export function formatText(report: Report): string {
  const gc = report.lines.some((row) => row.allocatedBytes !== undefined);
  const peak = report.lines.some((row) => row.peakBytes !== undefined);
  const header = HEADER_START + (peak ? PEAK_TITLE : '') + (gc ? GC_TITLES : '') + '   Line Contents';
  const out = [`Filename: ${report.file}`, '', header, '='.repeat(header.length)];
  const mib = (bytes: number) => formatMiB(bytes, report.precision).padStart(12);
  const blank = ' '.repeat(13);
  const note = collectionsNote(report);
  let noted = false;
  for (const row of report.lines) {
    const number = String(row.line).padStart(6);
    if (row.occurrences === 0 || row.memBytes === null || row.incrementBytes === null) {
      out.push(
        `${number} ${''.padStart(12)} ${''.padStart(12)}  ${''.padStart(10)}${peak ? blank : ''}${gc ? ' '.repeat(26) : ''}   ${row.source}`,
      );
      continue;
    }
    // A Peak not measured on a line that ran (a run between two measured ones) stays blank.
    const peaked = peak ? (row.peakBytes == null ? blank : ` ${mib(row.peakBytes)}`) : '';
    const collected = gc ? ` ${mib(row.allocatedBytes ?? 0)} ${mib(row.gcFreedBytes ?? 0)}` : '';
    // A line in which the profiler collected: `*` in the gap before its contents (the columns stay put).
    const gap = row.collections ? ' * ' : '   ';
    // The note goes on the first row that ran: the `@profile` row, whose entry reading comes first.
    const said = noted ? '' : note;
    noted = true;
    out.push(
      `${number} ${mib(row.memBytes)} ${mib(row.incrementBytes)}  ${String(row.occurrences).padStart(10)}${peaked}${collected}${gap}${row.source}${said}`,
    );
  }
  return out.join('\n') + '\n\n\n';
}

export function formatJson(report: Report): string {
  return JSON.stringify(report) + '\n';
}
