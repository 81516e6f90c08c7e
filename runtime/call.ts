/**
 * One call of a decorated method, from the wrapper's entry to the written report.
 */
import { fallbackTable } from './fallback';
import { Frame, SLOTS, swapPending, unseenFrom, unseenUntil, warmUp, type Site } from './frame';
import { GcRecorder, attribute, whenTimed, type Attribution } from './gc';
import { heapReading, readerFor } from './readings';
import { describeError, sayOnce } from './problems';
import { buildReport, formatJson, formatText } from './report';
import { isEnabled, resolveBackend, resolveOptions, wantsGc } from './settings';
import { timed, timelineClaim, timelineOn } from './timeline';

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
  if (timelineOn && timelineClaim()) return timed(site, thisArg, () => callProfiled(site, original, thisArg, args));
  const frame = open(site);
  if (frame === null) return Reflect.apply(original, thisArg, args);
  const previous = swapPending(frame);
  try {
    return Reflect.apply(original, thisArg, args);
  } finally {
    close(frame, previous, thisArg);
  }
}

/** The call's frame, with the wrapper's entry reading; null (and a word on stderr) if that failed. */
function open(site: Site): Frame | null {
  try {
    const backend = resolveBackend(site.own);
    const mark = unseenFrom();
    const frame = new Frame(site, readerFor(backend), backend);
    unseenUntil(mark);
    if (wantsGc(site.own)) {
      warmUp(true);
      const before = heapReading();
      frame.gc = new GcRecorder();
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
function close(frame: Frame, previous: Frame | null, thisArg: unknown): void {
  // An instrumented async body ends its call itself, when it completes (`leave`).
  if (frame.claimed && frame.table?.async) {
    swapPending(previous);
    return;
  }
  conclude(frame, thisArg, previous);
}

/**
 * Called by an instrumented async method's body when it completes (returns or throws): the exit
 * reading and the report. Its caller got the promise long ago.
 */
export function leave(frame: Frame): void {
  if (frame.site !== null && frame.active) conclude(frame, undefined, undefined);
}

/** The exit reading first, before anything here allocates; then the report. Never throws. */
function conclude(frame: Frame, thisArg: unknown, previous: Frame | null | undefined): void {
  try {
    frame.end(frame.read());
  } catch (error) {
    sayOnce('close', `could not take the exit reading: ${describeError(error)}`);
  }
  if (previous !== undefined) swapPending(previous);
  try {
    finish(frame, thisArg);
  } catch (error) {
    sayOnce('report', `could not make a report: ${describeError(error)}`);
  }
}

/**
 * The report: at once, or with `gc: true` once V8 has said when the call's collections ran (at once
 * when there was none). Nothing here may throw into the profiled method's caller.
 */
function finish(frame: Frame, thisArg: unknown): void {
  const recorder = frame.gc;
  if (recorder === null) return deliver(frame, thisArg, undefined);
  const mark = unseenFrom();
  const freed = recorder.stop();
  unseenUntil(mark);
  whenTimed(recorder, freed, (collections) => {
    deliver(frame, thisArg, collections && frame.claimed ? attribute(recorder, collections, frame.stats.length / SLOTS, SLOTS, frame.backend === 'heap') : undefined);
  });
}

function deliver(frame: Frame, thisArg: unknown, gcFreed: Attribution | undefined): void {
  const mark = unseenFrom();
  try {
    writeReport(frame, thisArg, gcFreed);
  } catch (error) {
    sayOnce('report', `could not make a report: ${describeError(error)}`);
  }
  unseenUntil(mark);
}

function writeReport(frame: Frame, thisArg: unknown, gcFreed: Attribution | undefined): void {
  const site = frame.site!;
  const options = resolveOptions(site.own);
  let table = frame.table;
  if (!frame.claimed || table === undefined) {
    // Not instrumented: the decorator line carries the whole call.
    table = site.fallback ??= fallbackTable(site, site.describe(thisArg));
    frame.stats = new Float64Array([frame.exitRaw, Math.max(frame.entryRaw, frame.exitRaw), 1]);
  }
  const report = buildReport(frame, table, table.name, options.precision, frame.backend, frame.claimed ? gcFreed : undefined);
  const text = options.format === 'json' ? formatJson(report) : formatText(report);
  try {
    options.stream.write(text);
  } catch (error) {
    sayOnce('stream', `the report stream's write() threw, reports are lost: ${describeError(error)}`);
  }
  if (options.onReport) {
    try {
      options.onReport(report);
    } catch (error) {
      sayOnce('onReport', `onReport threw: ${describeError(error)}`);
    }
  }
}
