/**
 * `gc: true`: which line's interval each garbage collection fell in, and what it freed.
 *
 * v8.GCProfiler lists every collection of a call with the heap before and after it (so the bytes it
 * freed) but no time; a PerformanceObserver on 'gc' gives each collection's start time on the
 * performance.now() clock, one event-loop turn or two later. The two lists match one to one, in
 * order. Each reading of the call records its time and the line it charges, so each collection lands
 * in the interval [previous reading, next reading) of one line: that line's "GC freed", and its
 * "Allocated" = its increment + what collections inside it freed.
 */
import { PerformanceObserver, performance } from 'perf_hooks';
import { GCProfiler } from 'v8';

/**
 * performance.now() returns a fresh 16-byte heap number: each mark leaves exactly that behind, which
 * the frame keeps out of its increments, and which is taken out of what the next collection freed.
 */
export const MARK_GARBAGE = 16;

/** Start times of the collections the observer delivered, in order. */
const starts: number[] = [];
/** Reports waiting for the observer; each returns true once written. */
const waiting = new Set<(force: boolean) => boolean>();
let active = 0;
let observer: PerformanceObserver | undefined;

function watch(): void {
  if (observer) return;
  observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) starts.push(entry.startTime);
    for (const write of [...waiting]) if (write(false)) waiting.delete(write);
    if (active === 0 && waiting.size === 0) starts.length = 0;
  });
  observer.observe({ entryTypes: ['gc'] });
  // A report still waiting when the process exits is written without the GC columns, not lost.
  process.on('exit', () => {
    for (const write of waiting) write(true);
    waiting.clear();
  });
}

export interface Collection {
  /** Start time (performance.now clock). */
  start: number;
  /** Heap + external bytes it freed, less the marks' own garbage. */
  freed: number;
}

export class GcRecorder {
  private readonly profiler = new GCProfiler();
  readonly started: number;
  ended = 0;
  times = new Float64Array(1024);
  lines = new Int32Array(1024);
  length = 0;

  constructor() {
    watch();
    active++;
    this.started = performance.now();
    this.profiler.start();
  }

  get full(): boolean {
    return this.length === this.times.length;
  }

  /** A reading was taken that charges the stats slot `line` (call `grow` first when `full`). */
  mark(line: number): void {
    this.times[this.length] = performance.now();
    this.lines[this.length] = line;
    this.length++;
  }

  grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    const lines = new Int32Array(this.lines.length * 2);
    lines.set(this.lines);
    this.times = times;
    this.lines = lines;
  }

  /** Stops recording; the call's collections, without their times yet. */
  stop(): Array<{ freed: number }> {
    const data = this.profiler.stop() as unknown as { statistics?: GcStatistic[] } | undefined;
    this.ended = performance.now();
    active--;
    return (data?.statistics ?? []).map((s) => {
      const before = s.beforeGC.heapStatistics;
      const after = s.afterGC.heapStatistics;
      return { freed: before.usedHeapSize + before.externalMemory - (after.usedHeapSize + after.externalMemory) };
    });
  }

  /** The stats slot charged for the interval containing `time`: the first mark at or after it. */
  slotAt(time: number): number {
    let lo = 0;
    let hi = this.length - 1;
    if (hi < 0 || this.times[hi] < time) return this.length > 0 ? this.lines[this.length - 1] : 0;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid] < time) lo = mid + 1;
      else hi = mid;
    }
    return this.lines[lo];
  }

  /** Marks taken in (from, to]: the heap numbers a collection at `to` freed of ours. */
  marksBetween(from: number, to: number): number {
    let count = 0;
    for (let i = 0; i < this.length; i++) if (this.times[i] > from && this.times[i] <= to) count++;
    return count;
  }
}

interface GcStatistic {
  beforeGC: { heapStatistics: { usedHeapSize: number; externalMemory: number } };
  afterGC: { heapStatistics: { usedHeapSize: number; externalMemory: number } };
}

/**
 * Calls `write` with the collections' times once the observer has delivered them (at once when the
 * call had no collection). `write(undefined)` means they could not be had: at process exit, or when
 * the observer never delivered them.
 */
export function whenTimed(recorder: GcRecorder, freed: Array<{ freed: number }>, write: (collections: Collection[] | undefined) => void): void {
  const attempt = (force: boolean): boolean => {
    const inCall = starts.filter((t) => t >= recorder.started && t <= recorder.ended);
    if (inCall.length < freed.length) {
      if (force) write(undefined);
      return force;
    }
    let previous = recorder.started;
    const collections = freed.map((c, i) => {
      const start = inCall[i];
      const ours = recorder.marksBetween(previous, start) * MARK_GARBAGE;
      previous = start;
      return { start, freed: Math.max(0, c.freed - ours) };
    });
    write(collections);
    return true;
  };
  if (freed.length === 0) {
    write([]);
    return;
  }
  watch();
  // Node does not wait for undelivered 'gc' entries before it exits: this timer keeps the process
  // alive until they come (a turn or two), or gives up after a second.
  const timer = setTimeout(() => {
    if (waiting.delete(waitingFor)) attempt(true);
  }, 1000);
  const waitingFor = (force: boolean): boolean => {
    const done = attempt(force);
    if (done) clearTimeout(timer);
    return done;
  };
  waiting.add(waitingFor);
}
