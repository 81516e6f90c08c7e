/**
 * One call of a profiled method, from its entry (its body's `enter`, or the wrapper's, for methods
 * that keep one) to the written report.
 */
import { aggregate } from './report/aggregate';
import { fallbackTable } from './uninstrumented';
import { Frame, IDLE, SLOTS, unseenFrom, unseenUntil, type Site } from './frame';
import { swapPending, takePending } from './handoff';
import { warmUp } from './warm-up';
import { GcRecorder, attribute } from './gc';
import { heapReading, readerFor } from './readings';
import { describeError, sayOnce } from './stderr';
import { publish } from './report/publish';
import { CallClock, settleDone } from './settle';
import { buildReport } from './report';
import { isEnabled, resolveBackend, resolveOptions, wantsGc, wantsPeak } from './settings';
import { timelineEnter, timelineLeave, timelineOn } from './report/timeline';
import type { LineTable } from './types';

/**
 * Methods whose body owns its calls: the decorator returned the instrumented method itself (no
 * wrapper, so a recursive method takes one stack frame a level), and its body opens each call's
 * frame in its first statement. Keyed by line table: one site a table, as the body knows only its
 * table (see decorator.ts).
 *
 * A class evaluated again (a factory, a mixin, a class declared in a function) runs the same body
 * with the same table: when its `@profile` has the same options, its methods share the first
 * evaluation's site and stay unwrapped too, so what other decorators did to them (a WeakMap keyed
 * by the method, metadata) is untouched. With other options (`@profile({ stream: s })`, `s` a
 * parameter of the factory) the body cannot tell which site is its own: that evaluation is wrapped.
 */
const owners = new WeakMap<LineTable, Site>();

export function ownCalls(table: LineTable, site: Site): boolean {
  const owner = owners.get(table);
  if (owner !== undefined) return sameOptions(owner.own, site.own);
  owners.set(table, site);
  return true;
}

function sameOptions(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && a[key] === b[key]);
}

/**
 * The instrumented body's first statement: its call's frame, or IDLE when it is not profiled. The
 * frame is the one its wrapper left pending, or, for a body that owns its calls, a new one.
 */
export function enter(table: LineTable): Frame {
  try {
    const waiting = takePending(table);
    if (waiting !== null) {
      waiting.begin(table);
      return waiting;
    }
    const site = owners.get(table);
    if (site === undefined || !isEnabled(site.own)) return IDLE;
    const frame = open(site);
    if (frame === null) return IDLE;
    frame.begin(table);
    return frame;
  } catch (error) {
    // It runs inside the profiled method: whatever fails here, the method runs as written.
    sayOnce('open', `could not profile a call, it runs unprofiled: ${describeError(error)}`);
    return IDLE;
  }
}

export function callProfiled(site: Site, original: Function, thisArg: unknown, args: ArrayLike<unknown>): unknown {
  if (!isEnabled(site.own)) {
    // Keep a frame pending for an outer call from being taken by this (instrumented) body.
    const previous = swapPending(null);
    try {
      return Reflect.apply(original, thisArg, args);
    } finally {
      swapPending(previous);
    }
  }
  const frame = open(site);
  if (frame === null) return Reflect.apply(original, thisArg, args);
  const previous = swapPending(frame);
  try {
    return Reflect.apply(original, thisArg, args);
  } finally {
    wrapperReturned(frame, previous, thisArg);
  }
}

/** Whether a profiled call was opened in this process (see open). */
let opened = false;

/** The call's frame, with the wrapper's entry reading; null (and a word on stderr) if that failed. */
export function open(site: Site): Frame | null {
  try {
    const backend = resolveBackend(site.own);
    const mark = unseenFrom();
    // The first call's stream, made now if it is process.stdout (Node makes it on first use: ~50 KB,
    // some of it garbage) and not when the first report is written, maybe inside an outer call's
    // line, which a collection of the profiler's then closes with that garbage freed: the
    // recursion's call line read ~730 KB for its 800 KB, ~783 KB with it made here.
    if (!opened) {
      opened = true;
      void resolveOptions(site.own).stream;
    }
    const frame = new Frame(site, readerFor(backend), backend);
    if (timelineOn) timelineEnter(frame);
    frame.wantsPeak = wantsPeak(site.own);
    const gc = wantsGc(site.own);
    // The default backend settles with collections where the call's time pays for them (settle.ts);
    // `gc: true` shows collections instead, and 'exact' and `peak: true` make their own.
    if (backend === 'heap' && !gc && !frame.wantsPeak && site.table !== undefined) frame.clock = new CallClock(site.table.lines.length);
    unseenUntil(mark);
    if (gc) {
      warmUp(true);
      const before = heapReading();
      frame.watchCollections(GcRecorder.take());
      frame.own = heapReading() - before;
    }
    frame.entryRaw = frame.read();
    return frame;
  } catch (error) {
    sayOnce('open', `could not profile a call, it runs unprofiled: ${describeError(error)}`);
    return null;
  }
}

/** The wrapper's end of a call. Never throws. */
function wrapperReturned(frame: Frame, previous: Frame | null, thisArg: unknown): void {
  // An instrumented body ends its call itself, when it completes (`leave`): for an async one, long
  // after the wrapper returned. Only a body built without the transformer leaves it to the wrapper.
  if (frame.claimed) {
    swapPending(previous);
    return;
  }
  endCall(frame, thisArg, previous);
}

/**
 * The instrumented body's `finally`: its call ends when it completes (returns, throws, or, for a
 * generator, is closed by `return()`): the exit reading and the report. For an async or generator
 * body, its caller got the promise or generator long ago.
 */
export function leave(frame: Frame): void {
  if (frame.site !== null && (frame.active || frame.suspended)) endCall(frame, undefined, undefined);
}

/**
 * The end of a call, in order: the exit reading (before anything here allocates), what settle.ts
 * keeps of the call, the timeline's record of it, then the report. All that follows the exit
 * reading is kept out of the increments of calls still running (`mark`): with settle.ts's part left
 * in, a loop on one line making 200 profiled calls read 72-114 KB on that line (Node 22, the median
 * of 5 warm calls, 6 processes); with it kept out, 20-56 KB.
 */
export function endCall(frame: Frame, thisArg: unknown, previous: Frame | null | undefined): void {
  try {
    frame.end(frame.read());
  } catch (error) {
    sayOnce('close', `could not take the exit reading: ${describeError(error)}`);
  }
  const mark = unseenFrom();
  try {
    if (frame.clock !== null) settleDone(frame, frame.clock);
  } catch (error) {
    sayOnce('settle', `could not record the call's collections: ${describeError(error)}`);
  }
  if (previous !== undefined) swapPending(previous);
  if (timelineOn) timelineLeave(frame, frame.table?.name ?? frame.site!.describe(thisArg));
  report(frame, thisArg, mark);
}

/**
 * The report, at once, its allocations kept out of the increments of calls still running; with
 * `gc: true`, what the call's collections freed per line, placed when the call ends (gc.ts). Nothing
 * here may throw into the profiled method's caller.
 */
function report(frame: Frame, thisArg: unknown, mark: number): void {
  const recorder = frame.gc;
  try {
    const collections = recorder === null ? undefined : recorder.stop();
    const freed = recorder !== null && frame.claimed ? attribute(recorder, collections!, frame.stats.length / SLOTS, SLOTS) : undefined;
    writeReport(frame, thisArg, freed);
  } catch (error) {
    sayOnce('report', `could not make a report: ${describeError(error)}`);
  }
  unseenUntil(mark);
  // After the report (which reads the recorder's events): the next call may record into it.
  if (recorder !== null) GcRecorder.release(recorder);
}

function writeReport(frame: Frame, thisArg: unknown, gcFreed: Float64Array | undefined): void {
  const site = frame.site!;
  // Instrumented, but its body never ran (its parameters threw): no call to report.
  if (!frame.claimed && site.table !== undefined) return;
  const options = resolveOptions(site.own);
  let table = frame.table;
  if (!frame.claimed || table === undefined) {
    // Not instrumented: the decorator line carries the whole call.
    table = site.fallback ??= fallbackTable(site, site.describe(thisArg));
    frame.asOneRow();
  }
  const report = buildReport(frame, table, table.name, options.precision, frame.backend, frame.claimed ? gcFreed : undefined);
  if (options.aggregate) return aggregate(table, report, options);
  publish(report, options);
}
