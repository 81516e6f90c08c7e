/**
 * Per-line memory budgets against a committed baseline file, for `limitMemory(fn, { baseline })`
 * and `ts-mprof check`: each profiled method's per-line Increments (summed over its calls, from
 * 'exact' readings, which are retained bytes and the same from run to run) are written once
 * (`update`), then every run is compared with them line by line. A line fails when it grew by more
 * than the tolerance in bytes AND by more than the tolerance in percent of its baseline, so neither
 * a few KB of V8's own work on a small line nor a small share of a big line trips it.
 *
 * The file (JSON, stable key order, meant to be committed):
 *   { "version": 1, "methods": { "<file>|<Class.method>": { "<line>": { "source": "...", "incrementBytes": N } } } }
 */
import * as fs from 'fs';
import type { Report } from '../runtime/types';
import { describeBytes } from './bytes';

export interface Tolerance {
  /** Growth in bytes a line may show (default 64 KiB). */
  bytes: number;
  /** Growth in percent of the line's baseline it may show (default 10). */
  percent: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { bytes: 64 * 1024, percent: 10 };

export interface BaselineFile {
  version: 1;
  methods: Record<string, Record<string, { source: string; incrementBytes: number }>>;
}

export interface LineDiff {
  method: string;
  file: string;
  line: number;
  source: string;
  baseline: number | null;
  now: number | null;
  /** now - baseline (a missing side counts as 0). */
  growth: number;
  failed: boolean;
}

/** The per-line figures of reports, summed per method (the `@profile` row, an entry reading, left out). */
export function baselineOf(reports: Iterable<Report>): BaselineFile {
  const methods: BaselineFile['methods'] = {};
  for (const report of reports) {
    const key = `${report.file}|${report.name}`;
    const lines = (methods[key] ??= {});
    const entry = report.lines.findIndex((l) => l.memBytes !== null);
    report.lines.forEach((line, i) => {
      if (i === entry || line.incrementBytes === null) return;
      const row = (lines[String(line.line)] ??= { source: line.source, incrementBytes: 0 });
      row.incrementBytes += line.incrementBytes;
    });
  }
  return { version: 1, methods };
}

/** Reads a baseline file; a missing file is an empty baseline. Throws an Error naming the file when it is not one. */
export function readBaseline(file: string): BaselineFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, methods: {} };
    throw error;
  }
  const data = JSON.parse(text) as BaselineFile;
  if (data?.version !== 1 || typeof data.methods !== 'object' || data.methods === null) throw new Error(`${file}: not a ts-memory-profiler baseline (version 1)`);
  return data;
}

/** Writes the methods of `fresh` into the baseline file, keeping the other methods it holds. */
export function updateBaseline(file: string, fresh: BaselineFile): void {
  const old = readBaseline(file);
  const methods = { ...old.methods, ...fresh.methods };
  const sorted: BaselineFile['methods'] = {};
  for (const key of Object.keys(methods).sort()) sorted[key] = methods[key];
  fs.writeFileSync(file, `${JSON.stringify({ version: 1, methods: sorted }, null, 2)}\n`);
}

/** Each line of the methods in `reports`, against the baseline. */
export function compareBaseline(reports: Iterable<Report>, baseline: BaselineFile, tolerance: Tolerance = DEFAULT_TOLERANCE): LineDiff[] {
  const now = baselineOf(reports).methods;
  const diffs: LineDiff[] = [];
  for (const key of Object.keys(now)) {
    const bar = key.lastIndexOf('|');
    const [file, method] = [key.slice(0, bar), key.slice(bar + 1)];
    const before = baseline.methods[key] ?? {};
    const lines = new Set([...Object.keys(before), ...Object.keys(now[key])].map(Number));
    for (const line of [...lines].sort((a, b) => a - b)) {
      const was = before[String(line)]?.incrementBytes ?? null;
      const is = now[key][String(line)]?.incrementBytes ?? null;
      const growth = (is ?? 0) - (was ?? 0);
      const percent = was !== null && was > 0 ? (growth / was) * 100 : Infinity;
      diffs.push({
        method,
        file,
        line,
        source: now[key][String(line)]?.source ?? before[String(line)]!.source,
        baseline: was,
        now: is,
        growth,
        failed: growth > tolerance.bytes && percent > tolerance.percent,
      });
    }
  }
  return diffs;
}

function figure(bytes: number | null): string {
  return bytes === null ? '-' : bytes.toLocaleString('en-US');
}

function signed(bytes: number): string {
  return `${bytes > 0 ? '+' : ''}${bytes.toLocaleString('en-US')}`;
}

/** The lines as a text table: location, baseline, now and growth in bytes, and a mark on those that failed. */
export function diffTable(diffs: readonly LineDiff[]): string {
  const rows = diffs.map((d) => [`${d.file}:${d.line}`, d.method, figure(d.baseline), figure(d.now), signed(d.growth), d.failed ? 'FAIL' : 'ok', d.source.trim()]);
  const head = ['line', 'method', 'baseline B', 'now B', 'growth B', '', 'source'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const right = [false, false, true, true, true, false, false];
  const format = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [format(head), ...rows.map(format)].join('\n') + '\n';
}

/** The same as a Markdown table, for a pull-request comment. */
export function diffMarkdown(diffs: readonly LineDiff[]): string {
  const esc = (text: string) => text.replace(/\|/g, '\\|').replace(/`/g, "'");
  const out = ['| | line | method | baseline (bytes) | now (bytes) | growth | source |', '|---|---|---|---:|---:|---:|---|'];
  for (const d of diffs) {
    out.push(`| ${d.failed ? '❌' : '✅'} | \`${esc(d.file)}:${d.line}\` | ${esc(d.method)} | ${figure(d.baseline)} | ${figure(d.now)} | ${signed(d.growth)} | \`${esc(d.source.trim())}\` |`);
  }
  return out.join('\n') + '\n';
}

/** One line per failed line, for an error message: `app.ts:9 Class.method grew by 1.0 MiB (...)`. */
export function describeFailures(diffs: readonly LineDiff[], tolerance: Tolerance): string {
  return diffs
    .filter((d) => d.failed)
    .map((d) => `${d.file}:${d.line} (${d.method}, \`${d.source.trim()}\`) grew by ${describeBytes(d.growth)}, over the tolerance of ${describeBytes(tolerance.bytes)} and ${tolerance.percent}%`)
    .join('\n');
}
