/**
 * Per-line memory budgets against a committed baseline file, for `limitMemory(fn, { baseline })`
 * and `ts-mprof check`. Each profiled method's per-line figures, summed over its calls, are written
 * once (`update`), then every run is compared with them line by line.
 *
 * The figure is each line's Peak (`peak: true`): the most live memory the line's work reached
 * above where it started, after full collections, less V8's compiled code and bytecode. Measured
 * over fresh processes (README, "Per-line budgets in CI"), 'exact' increments moved by up to ~70 KB
 * between lines from run to run: the code V8's optimising tiers compile on background threads and
 * install at any probe (30/30 runs identical with --no-opt --no-maglev --no-sparkplug). Peak leaves
 * that code out and moved by up to ~90 KB on a line that calls a hot loop in 40 quiet runs, and by
 * 303 KB once while the whole test suite loaded the machine (cause not found yet: V8's work for the
 * optimised loop, timed by its background threads); so the default tolerance is 512 KiB, half the
 * 1 MB a test must catch. 'heap' and 'rss' increments depend on when the collector runs: never recorded.
 *
 * A line fails when a figure grew by more than the tolerance in bytes AND by more than the tolerance
 * in percent of its baseline, so neither a few KB of V8's own work on a small line nor a small share
 * of a big line trips it. Lines are matched by their source text (then by line number), so a line
 * added above others does not shift every figure onto its neighbour.
 *
 * The file (JSON, keys sorted, meant to be committed):
 *   { "version": 1, "methods": { "<file>|<method>": { "calls": N,
 *       "lines": [{ "line": 7, "source": "...", "peakBytes": N }] } } }
 * <file> is the source file relative to the baseline file's directory, with '/'.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Report } from '../runtime/types';
import { describeBytes } from './bytes';

export interface Tolerance {
  /** Growth in bytes a line may show (default 512 KiB). */
  bytes: number;
  /** Growth in percent of the line's baseline it may show (default 10). */
  percent: number;
}

export const DEFAULT_TOLERANCE: Readonly<Tolerance> = Object.freeze({ bytes: 512 * 1024, percent: 10 });

export interface BaselineLine {
  line: number;
  source: string;
  /** The line's Peak, summed over the calls. */
  peakBytes: number;
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
  /** The file does not exist: the caller says how to write it. */
  missing = false;
}

function keyFile(reportFile: string, baselineFile: string): string {
  const relative = path.relative(path.dirname(path.resolve(baselineFile)), path.resolve(reportFile));
  return relative.split(path.sep).join('/');
}

/**
 * The per-line Peaks of reports, summed per method (the `@profile` row, the whole call's, left out).
 * A report without the Peak column is a BaselineError.
 */
export function baselineOf(reports: Iterable<Report>, baselineFile: string): BaselineFile {
  const methods: BaselineFile['methods'] = {};
  for (const report of reports) {
    if (!report.lines.some((l) => l.peakBytes !== undefined)) {
      throw new BaselineError(
        `the reports of ${report.name} (${report.file}) have no Peak column: record them with --peak (ts-mprof run --peak --format json)`,
      );
    }
    const key = `${keyFile(report.file, baselineFile)}|${report.name}`;
    const method = (methods[key] ??= { calls: 0, lines: [] });
    method.calls++;
    const entry = report.lines.findIndex((l) => l.memBytes !== null);
    report.lines.forEach((l, i) => {
      if (i === entry || l.incrementBytes === null) return;
      let row = method.lines.find((r) => r.line === l.line);
      if (!row) method.lines.push((row = { line: l.line, source: l.source.trim(), peakBytes: 0 }));
      row.peakBytes += l.peakBytes ?? 0;
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
      if (!isFigure(line.peakBytes)) return `${at}.peakBytes must be a number of bytes`;
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
    if (code === 'ENOENT') throw Object.assign(new BaselineError(`${file}: no such baseline file`), { missing: true });
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
 * Each line of the methods in `reports` against the baseline. Methods of
 * the baseline that did not run are not compared; a method the baseline does not have fails
 * (`unknown`): record it with update.
 */
export function compareBaseline(
  reports: Iterable<Report>,
  baseline: BaselineFile,
  baselineFile: string,
  tolerance: Tolerance = DEFAULT_TOLERANCE,
): LineDiff[] {
  const now = baselineOf(reports, baselineFile).methods;
  const diffs: LineDiff[] = [];
  for (const key of Object.keys(now).sort()) {
    const bar = key.lastIndexOf('|');
    const file = key.slice(0, bar);
    const method = key.slice(bar + 1);
    const known = baseline.methods[key];
    for (const [n, b] of pair(now[key].lines, known?.lines ?? [])) {
      const was = b?.peakBytes ?? null;
      const is = n?.peakBytes ?? null;
      const growth = (is ?? 0) - (was ?? 0);
      const percent = was !== null && was > 0 ? (growth / was) * 100 : growth > 0 ? Infinity : 0;
      diffs.push({
        key,
        file,
        method,
        line: (n ?? b)!.line,
        source: (n ?? b)!.source,
        baseline: was,
        now: is,
        growth,
        failed: !known || (growth > tolerance.bytes && percent > tolerance.percent),
        unknown: !known,
      });
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

function status(d: LineDiff): string {
  return d.unknown ? 'NEW' : d.failed ? 'FAIL' : 'ok';
}

/** The lines as a text table: whether each passed, location, its Peak in the baseline and now, and the growth, in bytes. */
export function diffTable(diffs: readonly LineDiff[]): string {
  const rows = diffs.map((d) => [
    status(d),
    `${d.file}:${d.line}`,
    d.method,
    figure(d.baseline),
    figure(d.now),
    signed(d.growth),
    d.source,
  ]);
  const head = ['', 'line', 'method', 'baseline B', 'now B', 'growth B', 'source'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const right = [false, false, false, true, true, true, false];
  const format = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [format(head), ...rows.map(format)].join('\n') + '\n';
}

/** The same as a Markdown table, for a pull-request comment. */
export function diffMarkdown(diffs: readonly LineDiff[]): string {
  // GFM splits a table row at | before it reads code spans: | is escaped even between backticks.
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/`/g, "'");
  const mark = (d: LineDiff) => (d.unknown ? '🆕' : d.failed ? '❌' : '✅');
  const out = [
    '| | line | method | baseline peak (bytes) | peak now (bytes) | growth (bytes) | source |',
    '|---|---|---|---:|---:|---:|---|',
  ];
  for (const d of diffs) {
    out.push(
      `| ${mark(d)} | \`${cell(d.file)}:${d.line}\` | ${cell(d.method)} | ${figure(d.baseline)} | ${figure(d.now)} | ${signed(d.growth)} | \`${cell(d.source)}\` |`,
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
      `${d.file}:${d.line} (${d.method}, \`${d.source}\`) grew by ${describeBytes(d.growth)}, ` +
        `over the tolerance of ${describeBytes(tolerance.bytes)} and ${tolerance.percent}%`,
    );
  }
  return out.join('\n');
}
