/**
 * Turns a finished frame into a report, and a report into memory_profiler 0.61's text table or a
 * line of JSON.
 */
import * as path from 'path';
import type { Frame } from './frame';
import type { Backend } from './readings';
import type { LineTable, Report } from './types';

export function buildReport(frame: Frame, table: LineTable, name: string, precision: number, backend: Backend): Report {
  const lines = table.lines.map((source, index) => {
    const occurrences = frame.occurrences(index);
    const ran = occurrences > 0;
    return {
      line: table.first + index,
      source,
      occurrences,
      memBytes: ran ? frame.mem(index) : null,
      incrementBytes: ran ? frame.increment(index) : null,
    };
  });
  return { file: displayPath(table.file), name, precision, backend, lines };
}

/** The source path relative to the working directory when it is inside it, else absolute. */
export function displayPath(file: string): string {
  if (!path.isAbsolute(file)) return file;
  const relative = path.relative(process.cwd(), file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

const HEADER = 'Line #    Mem usage    Increment  Occurrences   Line Contents';
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

export function formatText(report: Report): string {
  const out = [`Filename: ${report.file}`, '', HEADER, '='.repeat(HEADER.length)];
  for (const row of report.lines) {
    const number = String(row.line).padStart(6);
    if (row.occurrences === 0 || row.memBytes === null || row.incrementBytes === null) {
      out.push(`${number} ${''.padStart(12)} ${''.padStart(12)}  ${''.padStart(10)}   ${row.source}`);
    } else {
      const mem = formatMiB(row.memBytes, report.precision).padStart(12);
      const inc = formatMiB(row.incrementBytes, report.precision).padStart(12);
      out.push(`${number} ${mem} ${inc}  ${String(row.occurrences).padStart(10)}   ${row.source}`);
    }
  }
  return out.join('\n') + '\n\n\n';
}

export function formatJson(report: Report): string {
  return JSON.stringify(report) + '\n';
}
