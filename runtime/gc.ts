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
import { heapReading } from './readings';

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
  /** Heap + external bytes it freed. */
  freed: number;
}

/** Per line index: what collections inside it freed, the fix to its increment, its Mem usage. */
export interface Attribution {
  freed: Float64Array;
  incrementFix: Float64Array;
  mem: Float64Array;
}

/**
 * Places each collection in the interval of the reading that follows it, and takes the marks' own
 * garbage out of the figures: a collection frees all of it (it dies young), so that much of what the
 * collection freed is not the line's, nor is the drop it makes in the line's increment (when the
 * backend reads the heap between collections: `heapIncrements`); and each reading's Mem usage leaves
 * out the marks' garbage still alive at that moment. `slots` is the stats layout's width.
 */
export function attribute(recorder: GcRecorder, collections: readonly Collection[], lineCount: number, slots: number, heapIncrements: boolean): Attribution {
  const freed = new Float64Array(lineCount);
  const incrementFix = new Float64Array(lineCount);
  const mem = new Float64Array(lineCount).fill(-Infinity);
  let next = 0;
  let ours = 0;
  for (let k = 0; k < recorder.length; k++) {
    // Negative for a generator's time away: its collections are no line's.
    const line = recorder.line(k) / slots;
    const away = line < 0;
    const take = (): void => {
      if (!away) freed[line] += Math.max(0, collections[next].freed - ours);
      if (heapIncrements && !away) incrementFix[line] += ours;
      ours = 0;
      next++;
    };
    while (next < collections.length && collections[next].start <= recorder.time(k)) take();
    // One that ran inside this reading's mark started after the mark read the time, but freed what
    // came before: it is this line's too.
    if (recorder.inside(k) && next < collections.length) take();
    if (!away) mem[line] = Math.max(mem[line], recorder.raw(k) - (heapIncrements ? ours : 0));
    ours += recorder.spent(k);
  }
  return { freed, incrementFix, mem };
}

/** Entries per chunk of the timeline: chunks are never copied, so growing leaves no garbage. */
const CHUNK = 4096;

interface Chunk {
  times: Float64Array;
  raws: Float64Array;
  spent: Float64Array;
  lines: Int32Array;
  /** 1 when a collection ran inside the mark itself (its heap number's allocation started one). */
  inside: Uint8Array;
}

/** One call's collections (from V8) and the time, reading and charged line of each of its readings. */
export class GcRecorder {
  private readonly profiler = new GCProfiler();
  readonly started: number;
  ended = 0;
  private readonly chunks: Chunk[] = [];
  private current: Chunk | undefined;
  private used = CHUNK;
  length = 0;

  constructor() {
    watch();
    active++;
    this.grow();
    // The window [started, ended] lies inside the profiler's, so the observer's collections in it
    // are the profiler's, in the same order.
    this.profiler.start();
    this.started = performance.now();
  }

  get full(): boolean {
    return this.used === CHUNK;
  }

  grow(): void {
    this.current = {
      times: new Float64Array(CHUNK),
      raws: new Float64Array(CHUNK),
      spent: new Float64Array(CHUNK),
      lines: new Int32Array(CHUNK),
      inside: new Uint8Array(CHUNK),
    };
    this.chunks.push(this.current);
    this.used = 0;
  }

  /**
   * A reading `raw` was taken that charges the stats slot `line` (call `grow` first when `full`).
   * Returns the heap bytes this mark itself allocated: garbage (performance.now() returns a fresh
   * heap number; more while V8 has not optimised this code yet), measured, not assumed.
   */
  mark(line: number, raw: number): number {
    const before = heapReading();
    const chunk = this.current!;
    chunk.times[this.used] = performance.now();
    chunk.raws[this.used] = raw;
    chunk.lines[this.used] = line;
    // Negative when a collection ran inside the mark (its heap number's allocation can start one).
    const change = heapReading() - before;
    const spent = change < 0 ? 0 : change;
    chunk.spent[this.used] = spent;
    chunk.inside[this.used] = change < 0 ? 1 : 0;
    this.used++;
    this.length++;
    return spent;
  }

  time(k: number): number {
    return this.chunks[(k / CHUNK) | 0].times[k % CHUNK];
  }
  raw(k: number): number {
    return this.chunks[(k / CHUNK) | 0].raws[k % CHUNK];
  }
  spent(k: number): number {
    return this.chunks[(k / CHUNK) | 0].spent[k % CHUNK];
  }
  line(k: number): number {
    return this.chunks[(k / CHUNK) | 0].lines[k % CHUNK];
  }
  inside(k: number): boolean {
    return this.chunks[(k / CHUNK) | 0].inside[k % CHUNK] === 1;
  }

  /** Stops recording; the call's collections, without their times yet. Once only: later calls find none. */
  stop(): Array<{ freed: number }> {
    if (this.ended !== 0) return [];
    this.ended = performance.now();
    const data = this.profiler.stop() as unknown as { statistics?: GcStatistic[] } | undefined;
    active--;
    return (data?.statistics ?? []).map((s) => {
      const before = s.beforeGC.heapStatistics;
      const after = s.afterGC.heapStatistics;
      return { freed: before.usedHeapSize + before.externalMemory - (after.usedHeapSize + after.externalMemory) };
    });
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
    if (inCall.length < freed.length && !force) return false;
    // A count that still differs (a collection in the instant between the profiler's start and the
    // window's, or at the end) cannot be paired safely: then no GC columns rather than wrong ones.
    write(inCall.length === freed.length ? freed.map((c, i) => ({ start: inCall[i], freed: c.freed })) : undefined);
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
