/**
 * `memoryUsage(fn, { interval, backend })`, like memory_profiler's `memory_usage((f, args))`: calls
 * `fn` once and returns the memory readings taken over the call, their peak, and fn's result.
 *
 * Where the readings come from:
 * - 'rss' (the default, as in memory_profiler): a thread of its own reads the process's resident
 *   memory every `interval` seconds (default 0.1) while fn runs. Timers cannot fire during a
 *   synchronous call, so the main thread could not sample it; RSS is the whole process's, so another
 *   thread can.
 * - 'heap' / 'exact': a thread sees only its own heap, so the readings are those taken at the probes
 *   of profiled code that fn runs (a `profile(function () {...})`, a decorated method, or a function
 *   calling them), each with the call's backend; for code without probes, the entry and exit readings.
 *
 * Either way the main thread allocates nothing between the entry reading and fn's start, and fn is
 * never called again. An async fn (one that returns a promise) is measured until it settles.
 */
import { performance } from 'perf_hooks';
import { warmUp } from '../warm-up';
import { describeValue, OPTION_RULES, unknownOption } from '../option-rules';
import { ProbeLog } from './probe-log';
import { describeError, sayOnce } from '../stderr';
import { readerFor, rssReading, type Backend } from '../readings';
import { RssSampler } from './rss-sampler';
import { hrtimeMs } from './rss-sampler-layout';
import { force } from '../settings';
import type { ProfileOptions } from '../types';

export interface MemoryUsageOptions {
  /** Seconds between RSS samples, a positive number (default 0.1). Only with backend 'rss'. */
  interval?: number;
  /** 'rss' (default): sampled by a thread; 'heap' / 'exact': read at the probes of profiled code. */
  backend?: Backend;
}

export interface MemorySample {
  /** Milliseconds since the entry reading. */
  time: number;
  bytes: number;
}

export interface MemoryUsage<T> {
  /** What fn returned (what its promise fulfilled with, for an async fn). */
  value: T;
  backend: Backend;
  /**
   * 'interval': RSS sampled every `interval` seconds by a thread; 'probes': readings at the probes
   * of profiled code; 'entry-exit': only the readings before and after the call (no profiled code
   * ran, or the sampling thread did not start).
   */
  source: 'interval' | 'probes' | 'entry-exit';
  /** Seconds between samples for 'rss', else null. */
  interval: number | null;
  /** Date.now() at the entry reading. */
  startTime: number;
  /** Milliseconds from the entry reading to the exit reading. */
  duration: number;
  /** The readings in time order: the entry reading first, the exit reading last. */
  samples: MemorySample[];
  entryBytes: number;
  exitBytes: number;
  /** The highest reading over the call (memory_profiler's `max_usage`). */
  peakBytes: number;
}

const OPTION_KEYS = ['interval', 'backend'];

function fail(problem: string): never {
  throw new TypeError(`ts-memory-profiler: memoryUsage: ${problem}`);
}

/** Checks fn and the options; returns the backend and the interval (null: readings at the probes). */
export function checkMemoryUsageOptions(fn: unknown, options: unknown): { backend: Backend; interval: number | null } {
  if (typeof fn !== 'function') fail(`'fn' must be a function, got ${describeValue(fn)}`);
  if (options === undefined) return { backend: 'rss', interval: 0.1 };
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    fail(`options must be an object, got ${describeValue(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) fail(unknownOption(key, OPTION_KEYS));
  }
  const { interval, backend } = options as MemoryUsageOptions;
  if (backend !== undefined && OPTION_RULES.backend(backend))
    fail(`option 'backend' ${OPTION_RULES.backend(backend)}, got ${describeValue(backend)}`);
  if (interval !== undefined && !(typeof interval === 'number' && Number.isFinite(interval) && interval > 0)) {
    fail(`option 'interval' must be a positive number of seconds, got ${describeValue(interval)}`);
  }
  if (interval !== undefined && backend !== undefined && backend !== 'rss') {
    fail(
      `option 'interval' needs backend 'rss', got backend '${backend}' (a sampling thread can read only the process's RSS; 'heap' and 'exact' are read at the probes of profiled code)`,
    );
  }
  const chosen = backend ?? 'rss';
  return { backend: chosen, interval: chosen === 'rss' ? (interval ?? 0.1) : null };
}

export function memoryUsage<T>(fn: () => PromiseLike<T>, options?: MemoryUsageOptions): Promise<MemoryUsage<T>>;
export function memoryUsage<T>(fn: () => T, options?: MemoryUsageOptions): MemoryUsage<T>;
export function memoryUsage(fn: () => unknown, options?: MemoryUsageOptions): MemoryUsage<unknown> | Promise<MemoryUsage<unknown>> {
  const { backend, interval } = checkMemoryUsageOptions(fn, options);
  if (interval !== null) return byInterval(fn, interval);
  return measureAtProbes(fn, backend, Object.freeze({ backend }), (m) => usageFromProbes(m, backend));
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';

/** Calls fn once; `done` runs after its return (or its promise's fulfilment), `cleanup` in every case first. */
function callOnce<R>(fn: () => unknown, cleanup: () => void, done: (value: unknown) => R): R | Promise<R> {
  let value: unknown;
  try {
    value = fn();
  } catch (error) {
    cleanup();
    throw error;
  }
  if (!isThenable(value)) return done(value);
  return Promise.resolve(value).then(
    (settled) => done(settled),
    (error: unknown) => {
      cleanup();
      throw error;
    },
  );
}

function byInterval(fn: () => unknown, interval: number): MemoryUsage<unknown> | Promise<MemoryUsage<unknown>> {
  const sampler = new RssSampler();
  let watched = false;
  try {
    watched = sampler.start(interval);
  } catch (error) {
    sayOnce(
      'rss-sampler',
      `the RSS sampling thread could not start (${describeError(error)}): memoryUsage has the entry and exit readings only`,
    );
  }
  if (!watched) sayOnce('rss-sampler', 'the RSS sampling thread did not start: memoryUsage has the entry and exit readings only');
  const startTime = Date.now();
  const start = hrtimeMs();
  const entry = rssReading();
  let stopped = false;
  const stop = () => {
    if (!stopped && watched) sampler.stop();
    stopped = true;
  };
  return callOnce(fn, stop, (value) => {
    const exit = rssReading();
    const end = hrtimeMs();
    const taken = watched ? sampler.stop() : undefined;
    stopped = true;
    const samples: MemorySample[] = [{ time: 0, bytes: entry }];
    let peak = Math.max(entry, exit);
    if (taken) {
      // The thread's first reading can precede the entry reading by a few microseconds: only those
      // taken during the call count.
      for (let i = 0; i < taken.times.length; i++) {
        const time = taken.times[i] - start;
        if (time >= 0 && time <= end - start) samples.push({ time, bytes: taken.values[i] });
      }
      if (taken.peakTime >= start && taken.peakTime <= end) peak = Math.max(peak, taken.peak);
    }
    samples.push({ time: end - start, bytes: exit });
    for (const s of samples) peak = Math.max(peak, s.bytes);
    return {
      value,
      backend: 'rss' as const,
      source: watched ? ('interval' as const) : ('entry-exit' as const),
      interval,
      startTime,
      duration: end - start,
      samples,
      entryBytes: entry,
      exitBytes: exit,
      peakBytes: peak,
    };
  });
}

/** One call measured at its probes: what `memoryUsage` and `limitMemory` build their results from. */
export interface ProbeMeasurement {
  value: unknown;
  log: ProbeLog;
  startTime: number;
  entry: number;
  exit: number;
  /** Milliseconds from the entry reading to the exit reading. */
  duration: number;
}

/**
 * Calls fn once with `forced` options in force for the profiled code it runs (the backend at
 * least), recording the readings of its probes. The log is allocated before the entry reading and
 * the exit reading is the first thing after fn's return.
 */
export function measureAtProbes<R>(
  fn: () => unknown,
  backend: Backend,
  forced: Readonly<ProfileOptions>,
  done: (measurement: ProbeMeasurement) => R,
  log: ProbeLog = new ProbeLog(backend),
): R | Promise<R> {
  warmUp();
  const read = readerFor(backend);
  const previous = force(forced);
  let active = true;
  const cleanup = () => {
    if (!active) return;
    active = false;
    log.stop();
    force(previous);
  };
  const startTime = Date.now();
  log.start();
  // One full GC leaves the external memory of freed Buffers and typed arrays counted until the next:
  // for 'exact', the entry and exit readings are each the second of two.
  if (backend === 'exact') read();
  const entry = read();
  return callOnce(fn, cleanup, (value) => {
    if (backend === 'exact') read();
    const exit = read();
    const end = performance.now();
    cleanup();
    return done({ value, log, startTime, entry, exit, duration: end - log.origin });
  });
}

function usageFromProbes(m: ProbeMeasurement, backend: Backend): MemoryUsage<unknown> {
  const samples: MemorySample[] = [{ time: 0, bytes: m.entry }];
  let peak = Math.max(m.entry, m.exit);
  for (let k = 0; k < m.log.length; k++) {
    samples.push({ time: m.log.time(k), bytes: m.log.value(k) });
    peak = Math.max(peak, m.log.value(k));
  }
  samples.push({ time: m.duration, bytes: m.exit });
  return {
    value: m.value,
    backend,
    source: m.log.length > 0 ? 'probes' : 'entry-exit',
    interval: null,
    startTime: m.startTime,
    duration: m.duration,
    samples,
    entryBytes: m.entry,
    exitBytes: m.exit,
    peakBytes: peak,
  };
}
