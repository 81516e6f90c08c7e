/**
 * Per-line memory budgets against a committed baseline file, for `limitMemory(fn, { baseline })`
 * and `ts-mprof check`. Each profiled method's per-line figures, summed over its calls, are written
 * once (`update`), then every run is compared with them line by line.
 *
 * The figures: `incrementBytes` from 'exact' reports (what the line kept, after full collections),
 * and `peakBytes` when the reports have the Peak column. Both were measured over 20 fresh processes
 * to move by at most ~10 KB on a line (README, "Per-line budgets"); 'heap' and 'rss' increments
 * depend on when the collector runs, so they are never recorded.
 *
 * A line fails when a figure grew by more than the tolerance in bytes AND by more than the tolerance
 * in percent of its baseline, so neither a few KB of V8's own work on a small line nor a small share
 * of a big line trips it. Lines are matched by their source text (then by line number), so a line
 * added above others does not shift every figure onto its neighbour.
 *
 * The file (JSON, keys sorted, meant to be committed):
 *   { "version": 1, "methods": { "<file>|<method>": { "calls": N,
 *       "lines": [{ "line": 7, "source": "...", "incrementBytes": N, "peakBytes": N? }] } } }
 * <file> is the source file relative to the baseline file's directory, with '/'.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Report } from '../runtime/types';
import { describeBytes } from './bytes';

export interface Tolerance {
  /** Growth in bytes a line may show (default 64 KiB). */
  bytes: number;
  /** Growth in percent of the line's baseline it may show (default 10). */
  percent: number;
}

export const DEFAULT_TOLERANCE: Readonly<Tolerance> = Object.freeze({ bytes: 64 * 1024, percent: 10 });

/** The figures budgeted per line. */
export const FIGURES = ['incrementBytes', 'peakBytes'] as const;
export type Figure = (typeof FIGURES)[number];

export interface BaselineLine {
  line: number;
  source: string;
  incrementBytes?: number;
  peakBytes?: number;
}

export interface BaselineMethod {
  /** Profiled calls the figures are summed over. */
  calls: number;
  lines: BaselineLine[];
}

export interface BaselineFile {
  version: 1;
  methods: Record<string, BaselineMethod>;
}

export interface LineDiff {
  /** `<file>|<method>`, as in the baseline file. */
  key: string;
  file: string;
  method: string;
  /** The line now (its baseline line number when it is gone). */
  line: number;
  source: string;
  figure: Figure;
  baseline: number | null;
  now: number | null;
  /** now - baseline (a missing side counts as 0). */
  growth: number;
  failed: boolean;
  /** The method has no entry in the baseline at all. */
  unknown: boolean;
}

/** A baseline file that cannot be used: its message names the file and what is wrong. */
export class BaselineError extends Error {
  override name = 'BaselineError';
}

function keyFile(reportFile: string, baselineFile: string): string {
  const relative = path.relative(path.dirname(path.resolve(baselineFile)), path.resolve(reportFile));
  return relative.split(path.sep).join('/');
}

/**
 * The per-line figures of reports, summed per method (the `@profile` row, the entry reading, left
 * out). A report with neither 'exact' increments nor Peak figures is a BaselineError.
 */
export function baselineOf(reports: Iterable<Report>, baselineFile: string): BaselineFile {
  const methods: BaselineFile['methods'] = {};
  for (const report of reports) {
    const exact = report.backend === 'exact';
    const peak = report.lines.some((l) => l.peakBytes !== undefined);
    if (!exact && !peak) {
      throw new BaselineError(
        `the reports of ${report.name} (${report.file}) have no figure steady enough for a baseline: ` +
          `record them with --backend exact (or --peak); '${report.backend}' increments depend on when the collector runs`,
      );
    }
    const key = `${keyFile(report.file, baselineFile)}|${report.name}`;
    const method = (methods[key] ??= { calls: 0, lines: [] });
    method.calls++;
    const entry = report.lines.findIndex((l) => l.memBytes !== null);
    report.lines.forEach((l, i) => {
      if (i === entry || l.incrementBytes === null) return;
      let row = method.lines.find((r) => r.line === l.line);
      if (!row) {
        row = { line: l.line, source: l.source.trim() };
        if (exact) row.incrementBytes = 0;
        if (peak) row.peakBytes = 0;
        method.lines.push(row);
      }
      if (row.incrementBytes !== undefined) row.incrementBytes += exact ? l.incrementBytes : 0;
      if (row.peakBytes !== undefined) row.peakBytes += l.peakBytes ?? 0;
    });
    method.lines.sort((a, b) => a.line - b.line);
  }
  return { version: 1, methods };
}

function isFigure(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** What is wrong with `data` as a baseline, or null. */
function problemOf(data: unknown): string | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'not a JSON object';
  const file = data as Partial<BaselineFile>;
  if (file.version !== 1) return `"version" must be 1, got ${JSON.stringify(file.version)}`;
  if (typeof file.methods !== 'object' || file.methods === null || Array.isArray(file.methods)) return '"methods" must be an object';
  for (const [key, method] of Object.entries(file.methods)) {
    const where = `methods[${JSON.stringify(key)}]`;
    if (!key.includes('|')) return `${where}: the key must be "<file>|<method>"`;
    if (typeof method !== 'object' || method === null || !Array.isArray(method.lines)) return `${where}.lines must be an array`;
    if (!Number.isInteger(method.calls) || method.calls < 1) return `${where}.calls must be a positive integer`;
    for (const [i, line] of method.lines.entries()) {
      const at = `${where}.lines[${i}]`;
      if (typeof line !== 'object' || line === null) return `${at} must be an object`;
      if (!Number.isInteger(line.line) || line.line < 1) return `${at}.line must be a line number`;
      if (typeof line.source !== 'string') return `${at}.source must be a string`;
      for (const figure of FIGURES) {
        if (line[figure] !== undefined && !isFigure(line[figure])) return `${at}.${figure} must be a number of bytes`;
      }
      if (line.incrementBytes === undefined && line.peakBytes === undefined) return `${at} has neither incrementBytes nor peakBytes`;
    }
  }
  return null;
}

/**
 * Reads a baseline file. Missing, unreadable, not JSON or not of this shape: a BaselineError naming
 * the file and saying how to write one; `missingOk` makes a missing file an empty baseline (update).
 */
export function readBaseline(file: string, missingOk = false): BaselineFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && missingOk) return { version: 1, methods: {} };
    if (code === 'ENOENT') throw new BaselineError(`${file}: no such baseline file (write it by running once with update)`);
    throw new BaselineError(`${file}: cannot read the baseline: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new BaselineError(`${file}: not a ts-memory-profiler baseline: not JSON (${(error as Error).message})`);
  }
  const problem = problemOf(data);
  if (problem !== null) throw new BaselineError(`${file}: not a ts-memory-profiler baseline: ${problem}`);
  return data as BaselineFile;
}

/**
 * Writes the methods of `fresh` into the baseline file, keeping the other methods it holds (a
 * corrupt file is an error, not overwritten). Keys sorted and one line per baseline line, so a
 * change to the file shows as a readable diff in review.
 */
export function updateBaseline(file: string, fresh: BaselineFile): void {
  const old = readBaseline(file, true);
  const methods = { ...old.methods, ...fresh.methods };
  const body = Object.keys(methods)
    .sort()
    .map((key) => {
      const m = methods[key];
      const lines = m.lines.map((l) => `      ${JSON.stringify(l)}`).join(',\n');
      return `    ${JSON.stringify(key)}: {\n      "calls": ${m.calls},\n      "lines": [\n${lines.replace(/^ {6}/gm, '        ')}\n      ]\n    }`;
    })
    .join(',\n');
  try {
    fs.writeFileSync(file, `{\n  "version": 1,\n  "methods": {\n${body}${body ? '\n' : ''}  }\n}\n`);
  } catch (error) {
    throw new BaselineError(`${file}: cannot write the baseline: ${(error as Error).message}`);
  }
}

/** Pairs each line now with its baseline line: same source and number, then same source, then same number. */
function pair(now: readonly BaselineLine[], before: readonly BaselineLine[]): Array<[BaselineLine | null, BaselineLine | null]> {
  const match = new Map<BaselineLine, BaselineLine>();
  const used = new Set<BaselineLine>();
  const passes: Array<(n: BaselineLine, b: BaselineLine) => boolean> = [
    (n, b) => n.source === b.source && n.line === b.line,
    (n, b) => n.source === b.source,
    (n, b) => n.line === b.line,
  ];
  for (const same of passes) {
    for (const n of now) {
      if (match.has(n)) continue;
      const b = before.find((c) => !used.has(c) && same(n, c));
      if (b) {
        match.set(n, b);
        used.add(b);
      }
    }
  }
  const pairs: Array<[BaselineLine | null, BaselineLine | null]> = now.map((n) => [n, match.get(n) ?? null]);
  for (const b of before) if (!used.has(b)) pairs.push([null, b]);
  return pairs.sort((x, y) => (x[0] ?? x[1])!.line - (y[0] ?? y[1])!.line);
}

/**
 * Each line of the methods in `reports` against the baseline, per figure the two share. Methods of
 * the baseline that did not run are not compared; a method the baseline does not have fails
 * (`unknown`): record it with update.
 */
export function compareBaseline(reports: Iterable<Report>, baseline: BaselineFile, baselineFile: string, tolerance: Tolerance = DEFAULT_TOLERANCE): LineDiff[] {
  const now = baselineOf(reports, baselineFile).methods;
  const diffs: LineDiff[] = [];
  for (const key of Object.keys(now).sort()) {
    const bar = key.lastIndexOf('|');
    const file = key.slice(0, bar);
    const method = key.slice(bar + 1);
    const known = baseline.methods[key];
    for (const [n, b] of pair(now[key].lines, known?.lines ?? [])) {
      for (const figure of FIGURES) {
        // A figure is compared when the run measured it (a gone line: when the baseline had it).
        const measured = n ? n[figure] !== undefined : b![figure] !== undefined && now[key].lines.some((l) => l[figure] !== undefined);
        if (!measured) continue;
        const was = b?.[figure] ?? null;
        const is = n?.[figure] ?? null;
        const growth = (is ?? 0) - (was ?? 0);
        const percent = was !== null && was > 0 ? (growth / was) * 100 : growth > 0 ? Infinity : 0;
        diffs.push({
          key,
          file,
          method,
          line: (n ?? b)!.line,
          source: (n ?? b)!.source,
          figure,
          baseline: was,
          now: is,
          growth,
          failed: !known || (growth > tolerance.bytes && percent > tolerance.percent),
          unknown: !known,
        });
      }
    }
  }
  return diffs;
}

function figure(bytes: number | null): string {
  return bytes === null ? '-' : Math.round(bytes).toLocaleString('en-US');
}

function signed(bytes: number): string {
  const rounded = Math.round(bytes);
  return `${rounded > 0 ? '+' : ''}${rounded.toLocaleString('en-US')}`;
}

const FIGURE_NAMES: Record<Figure, string> = { incrementBytes: 'increment', peakBytes: 'peak' };

function status(d: LineDiff): string {
  return d.unknown ? 'NEW' : d.failed ? 'FAIL' : 'ok';
}

/** The lines as a text table: location, figure, baseline, now and growth in bytes, and whether each passed. */
export function diffTable(diffs: readonly LineDiff[]): string {
  const rows = diffs.map((d) => [status(d), `${d.file}:${d.line}`, d.method, FIGURE_NAMES[d.figure], figure(d.baseline), figure(d.now), signed(d.growth), d.source]);
  const head = ['', 'line', 'method', 'figure', 'baseline B', 'now B', 'growth B', 'source'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const right = [false, false, false, false, true, true, true, false];
  const format = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [format(head), ...rows.map(format)].join('\n') + '\n';
}

/** The same as a Markdown table, for a pull-request comment. */
export function diffMarkdown(diffs: readonly LineDiff[]): string {
  const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/`/g, "'");
  const mark = (d: LineDiff) => (d.unknown ? '🆕' : d.failed ? '❌' : '✅');
  const out = ['| | line | method | figure | baseline (bytes) | now (bytes) | growth (bytes) | source |', '|---|---|---|---|---:|---:|---:|---|'];
  for (const d of diffs) {
    out.push(
      `| ${mark(d)} | \`${cell(d.file)}:${d.line}\` | ${cell(d.method)} | ${FIGURE_NAMES[d.figure]} | ${figure(d.baseline)} | ${figure(d.now)} | ${signed(d.growth)} | \`${cell(d.source)}\` |`,
    );
  }
  return out.join('\n') + '\n';
}

/** One line per failed line (or method missing from the baseline), for an error message. */
export function describeFailures(diffs: readonly LineDiff[], tolerance: Tolerance): string {
  const out: string[] = [];
  const unknown = new Set<string>();
  for (const d of diffs) {
    if (!d.failed) continue;
    if (d.unknown) {
      if (!unknown.has(d.key)) out.push(`${d.file}: ${d.method} is not in the baseline (record it with update)`);
      unknown.add(d.key);
      continue;
    }
    out.push(
      `${d.file}:${d.line} (${d.method}, \`${d.source}\`) ${FIGURE_NAMES[d.figure]} grew by ${describeBytes(d.growth)}, ` +
        `over the tolerance of ${describeBytes(tolerance.bytes)} and ${tolerance.percent}%`,
    );
  }
  return out.join('\n');
}
