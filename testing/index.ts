/**
 * `ts-memory-profiler/testing`: memory budgets in tests, like pytest-memray's `limit_memory`.
 *
 * `limitMemory(fn, { increment, peak })` calls fn once with every profiled call inside it reading
 * in 'exact' mode (a full GC before each reading: retained bytes, the same from run to run), and
 * throws an AssertionError when the call kept more than `increment` (exit reading - entry reading)
 * or rose higher than `peak` above its entry reading (the highest probe reading). The message has
 * the line-by-line tables of the profiled calls, so a failing test says which line ate the memory.
 *
 * Lines can be shown only for profiled code: write the body as `profile(function () {...})` (or
 * call decorated methods) and build with the transformer. For a plain function there are no
 * readings inside the call: the increment is still checked; the peak is then the higher of the entry
 * and exit readings.
 *
 * `{ baseline: 'file.json' }` also compares each profiled method's per-line figures with a committed
 * baseline file (testing/baseline.ts) and fails when a line grew beyond `tolerance`; `update: true`
 * (or TS_MEMORY_PROFILER_UPDATE_BASELINE=1) rewrites the file's entries for the methods that ran.
 */
import { AssertionError } from 'assert';
import { formatText, type Report } from '../runtime';
import { measureAtProbes, type ProbeMeasurement } from '../runtime/memory-usage';
import { describeValue, unknownOption } from '../runtime/option-rules';
import { ProbeLog } from '../runtime/memory-usage/probe-log';
import { readerFor } from '../runtime/readings';
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
  type Tolerance,
} from './baseline';
import { describeBytes, parseBytes } from './bytes';

export { parseBytes } from './bytes';
export {
  BaselineError,
  baselineOf,
  compareBaseline,
  describeFailures,
  diffMarkdown,
  diffTable,
  readBaseline,
  updateBaseline,
} from './baseline';
export type { BaselineFile, BaselineLine, BaselineMethod, LineDiff, Tolerance } from './baseline';

export interface MemoryLimits {
  /** Most bytes the call may keep: exit reading - entry reading. A number of bytes or e.g. '10 MB'. */
  increment?: number | string;
  /** Most bytes the call may rise above its entry reading at any probe. A number of bytes or e.g. '10 MB'. */
  peak?: number | string;
  /** A baseline file of per-line figures (testing/baseline.ts): a line that grew beyond `tolerance` fails. */
  baseline?: string;
  /** How much a line may grow against the baseline: bytes (default '64 KiB') and percent (default 10); it fails beyond both. */
  tolerance?: { bytes?: number | string; percent?: number };
  /** Write this call's lines into the baseline instead of comparing (default: TS_MEMORY_PROFILER_UPDATE_BASELINE=1). */
  update?: boolean;
}

const LIMIT_KEYS = ['increment', 'peak'] as const;
const KEYS = ['increment', 'peak', 'baseline', 'tolerance', 'update'];

interface Checked {
  increment?: number;
  peak?: number;
  baseline?: string;
  tolerance: Tolerance;
  update: boolean;
}
/** Tables shown in a failure message at most: those of the calls that rose highest. */
const MAX_TABLES = 10;
const WHERE = 'limitMemory';

function checkLimits(fn: unknown, limits: unknown): Checked {
  if (typeof fn !== 'function') throw new TypeError(`ts-memory-profiler: ${WHERE}: 'fn' must be a function, got ${describeValue(fn)}`);
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
    throw new TypeError(
      `ts-memory-profiler: ${WHERE}: the limits must be an object such as { increment: '10 MB' }, got ${describeValue(limits)}`,
    );
  }
  for (const key of Object.keys(limits)) {
    if (!KEYS.includes(key)) {
      throw new TypeError(`ts-memory-profiler: ${WHERE}: ${unknownOption(key, KEYS)}`);
    }
  }
  const given = limits as MemoryLimits;
  const checked: Checked = { tolerance: { ...DEFAULT_TOLERANCE }, update: false };
  for (const key of LIMIT_KEYS) {
    if (given[key] !== undefined) checked[key] = parseBytes(given[key], key, WHERE);
  }
  if (given.baseline !== undefined) {
    if (typeof given.baseline !== 'string' || given.baseline === '')
      throw new TypeError(`ts-memory-profiler: ${WHERE}: option 'baseline' must be a file name, got ${describeValue(given.baseline)}`);
    checked.baseline = given.baseline;
  }
  if (given.tolerance !== undefined) checked.tolerance = parseTolerance(given.tolerance);
  if (given.update !== undefined && typeof given.update !== 'boolean')
    throw new TypeError(`ts-memory-profiler: ${WHERE}: option 'update' must be true or false, got ${describeValue(given.update)}`);
  checked.update = given.update ?? updateFromEnvironment();
  if ((given.tolerance !== undefined || given.update !== undefined) && checked.baseline === undefined) {
    throw new TypeError(
      `ts-memory-profiler: ${WHERE}: option '${given.tolerance !== undefined ? 'tolerance' : 'update'}' needs option 'baseline' (the file of per-line figures)`,
    );
  }
  // The baseline is read before fn runs: a missing or corrupt file is the caller's mistake, said at once.
  if (checked.baseline !== undefined) {
    try {
      readBaseline(checked.baseline, checked.update);
    } catch (error) {
      if (!(error instanceof BaselineError)) throw error;
      const how = error.missing ? ` (write it with update: true or ${UPDATE_VARIABLE}=1)` : '';
      throw new TypeError(`ts-memory-profiler: ${WHERE}: option 'baseline': ${error.message}${how}`);
    }
  }
  if (checked.increment === undefined && checked.peak === undefined && checked.baseline === undefined) {
    throw new TypeError(`ts-memory-profiler: ${WHERE}: give option 'increment', 'peak' or 'baseline', e.g. { increment: '10 MB' }`);
  }
  return checked;
}

const UPDATE_VARIABLE = 'TS_MEMORY_PROFILER_UPDATE_BASELINE';

/** `TS_MEMORY_PROFILER_UPDATE_BASELINE=1` updates every baseline of the run, as jest's `-u` does snapshots. */
function updateFromEnvironment(): boolean {
  const value = (process.env[UPDATE_VARIABLE] ?? '').trim();
  if (/^(|0|false|no|off)$/i.test(value)) return false;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  throw new TypeError(
    `ts-memory-profiler: ${WHERE}: ${UPDATE_VARIABLE} must be 1 or 0 (true/false, yes/no, on/off), got ${JSON.stringify(value)}`,
  );
}

function parseTolerance(value: unknown): Tolerance {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(
      `ts-memory-profiler: ${WHERE}: option 'tolerance' must be an object such as { bytes: '64 KiB', percent: 10 }, got ${describeValue(value)}`,
    );
  }
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (key !== 'bytes' && key !== 'percent')
      throw new TypeError(`ts-memory-profiler: ${WHERE}: ${unknownOption(`tolerance.${key}`, ['tolerance.bytes', 'tolerance.percent'])}`);
  }
  const tolerance = { ...DEFAULT_TOLERANCE };
  if (given.bytes !== undefined) tolerance.bytes = parseBytes(given.bytes, 'tolerance.bytes', WHERE);
  if (given.percent !== undefined) {
    if (typeof given.percent !== 'number' || !Number.isFinite(given.percent) || given.percent < 0) {
      throw new TypeError(
        `ts-memory-profiler: ${WHERE}: option 'tolerance.percent' must be a number from 0, got ${describeValue(given.percent)}`,
      );
    }
    tolerance.percent = given.percent;
  }
  return tolerance;
}

interface Kept {
  report: Report;
  text: string;
  /** The call's highest reading, to pick the tables worth showing. */
  peak: number;
}

const DISCARD = { write: (): boolean => true };

/**
 * Calls fn once and checks its memory against the limits; returns what fn returned, or for an async
 * fn a promise of it (rejected with the AssertionError when over a limit). fn's own exceptions and
 * rejections pass through unchanged. Profiled calls inside write no reports meanwhile: their tables
 * go into the failure message.
 */
export function limitMemory<T>(fn: () => PromiseLike<T>, limits: MemoryLimits): Promise<T>;
export function limitMemory<T>(fn: () => T, limits: MemoryLimits): T;
export function limitMemory(fn: () => unknown, limits: MemoryLimits): unknown {
  const checked = checkLimits(fn, limits);
  const read = readerFor('exact');
  const log = new ProbeLog('exact');
  const kept: Kept[] = [];
  // The tables kept for the message are the profiler's: what they hold is measured and left out.
  const onReport = (report: Report): void => {
    const before = read();
    const peak = Math.max(...report.lines.map((l) => l.memBytes ?? -Infinity));
    kept.push({ report, text: formatText(report), peak });
    log.own += read() - before;
  };
  // A baseline budgets each line's Peak (testing/baseline.ts says why not the 'exact' increments).
  const forced = Object.freeze({
    backend: 'exact' as const,
    gc: false,
    aggregate: false,
    format: 'text' as const,
    stream: DISCARD,
    onReport,
    ...(checked.baseline !== undefined ? { peak: true } : {}),
  });
  return measureAtProbes(fn, 'exact', forced, (m) => judge(m, checked, kept), log);
}

function judge(m: ProbeMeasurement, limits: Checked, kept: Kept[]): unknown {
  const exit = m.exit - m.log.own;
  const increment = exit - m.entry;
  const peak = Math.max(m.entry, exit, m.log.peak) - m.entry;
  const over: Array<{ what: string; actual: number; expected: number }> = [];
  if (limits.increment !== undefined && increment > limits.increment) {
    over.push({ what: "the call's increment (exit - entry)", actual: increment, expected: limits.increment });
  }
  if (limits.peak !== undefined && peak > limits.peak) {
    over.push({ what: "the call's peak (highest reading - entry)", actual: peak, expected: limits.peak });
  }
  const lines = over.map((o) => `${o.what} was ${describeBytes(o.actual)}, over the limit of ${describeBytes(o.expected)}`);
  let diff = '';
  if (limits.baseline !== undefined) {
    const reports = kept.map((k) => k.report);
    if (reports.length === 0) {
      lines.push(`no profiled call ran inside the call, so there are no lines to compare with the baseline ${limits.baseline}`);
      over.push({ what: 'baseline', actual: 0, expected: 0 });
    } else if (limits.update) {
      updateBaseline(limits.baseline, baselineOf(reports, limits.baseline));
    } else {
      const diffs = compareBaseline(reports, readBaseline(limits.baseline), limits.baseline, limits.tolerance);
      const failed = diffs.filter((d) => d.failed);
      if (failed.length) {
        const grown = new Set(failed.filter((d) => !d.unknown).map((d) => `${d.key}:${d.line}`)).size;
        const unknown = new Set(failed.filter((d) => d.unknown).map((d) => d.key)).size;
        const what = [
          grown ? `${grown} line${grown === 1 ? '' : 's'} grew against the baseline ${limits.baseline}` : '',
          unknown ? `${unknown} method${unknown === 1 ? ' is' : 's are'} missing from the baseline ${limits.baseline}` : '',
        ];
        lines.push(`${what.filter(Boolean).join('; ')}:\n${describeFailures(diffs, limits.tolerance)}`);
        over.push({ what: 'baseline', actual: failed[0].now ?? 0, expected: failed[0].baseline ?? 0 });
        diff = `Against the baseline (each line's Peak in bytes, summed over the calls; a line fails beyond ${limits.tolerance.bytes.toLocaleString('en-US')} bytes and ${limits.tolerance.percent}%):\n\n${diffTable(diffs)}\nAs Markdown:\n\n${diffMarkdown(diffs)}\n`;
      }
    }
  }
  if (over.length === 0) return m.value;
  const error = new AssertionError({
    message: `limitMemory: ${lines.join('; ')}\n\n${diff}${tables(kept)}`,
    actual: over[0].actual,
    expected: over[0].expected,
    operator: '<=',
  });
  throw error;
}

function tables(kept: Kept[]): string {
  if (kept.length === 0) {
    return (
      'No profiled code ran inside the call, so there is no line-by-line table: write its body as ' +
      'profile(function () {...}) (or call @profile methods), built with the transformer.\n'
    );
  }
  let shown = kept;
  if (kept.length > MAX_TABLES) {
    const highest = new Set([...kept].sort((a, b) => b.peak - a.peak).slice(0, MAX_TABLES));
    shown = kept.filter((k) => highest.has(k));
  }
  const more = kept.length - shown.length;
  const head = `Line by line (backend 'exact'; ${kept.length === 1 ? 'one profiled call' : `${kept.length} profiled calls, innermost first`}${more ? `, the ${shown.length} that rose highest shown` : ''}):\n\n`;
  return head + shown.map((k) => k.text).join('');
}
