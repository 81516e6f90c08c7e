/**
 * One call of a profiled method: its readings, and the probes that the instrumented body calls.
 *
 * The charging rule: a probe marks the start of a line's work. Its reading closes the interval since
 * the previous reading of this call and charges it to the line whose work that was. The exit reading
 * closes the last interval. So a line's increment is the sum of its intervals, its Mem usage the
 * largest reading that closed one of them, its occurrences the number of probes that named it.
 *
 * The probe is the hot path: it must not allocate (that would show up in the numbers it takes), so
 * all figures live in one Float64Array per call, and warm-up.ts gets it optimised before first use.
 */
import { AWAY, GcRecorder, NO_LINE } from './gc';
import { PeakTracker } from './peak';
import { heapReading, type Backend } from './readings';
import { settleAtEntry, settleAtExit, settleAtProbe, type CallClock } from './settle';
import type { LineTable, ProfileOptions } from './types';

/**
 * Bytes the profiler itself allocated while profiled calls were running (frames, reports of nested
 * calls). Readings used for increments subtract it, so a caller's line does not show the report of
 * a callee. It only grows; Mem usage stays the raw reading.
 */
let hidden = 0;

/**
 * Brackets profiler work whose allocations stay out of every increment: `const mark = unseenFrom()`,
 * the work, then `unseenUntil(mark)`. (Not a callback: a closure would allocate its context before
 * the work, inside the interval being measured.)
 */
export function unseenFrom(): number {
  return heapReading();
}

export function unseenUntil(mark: number): void {
  const grown = heapReading() - mark;
  if (grown > 0) hidden += grown;
}

/** What a decorated method keeps between its calls. */
export interface Site {
  /** The decorator's own options, checked when the class was defined. */
  readonly own: Readonly<ProfileOptions>;
  /** The method's line table, known when the transformer instrumented it; undefined otherwise. */
  readonly table: LineTable | undefined;
  /** Name for reports when the method was not instrumented. */
  readonly describe: (thisArg: unknown) => string;
  /** Where the decorator was applied, for reports of methods built without the transformer. */
  readonly origin: Error;
  /** The one-row table used when the body never took its frame (built without the transformer). */
  fallback?: LineTable;
  /** False for profile(fn): only a function written inside the call is instrumented. */
  inline?: boolean;
}

// Layout of Frame.stats: three numbers per source line of the table.
const INC = 0;
const MEM = 1;
const OCC = 2;
export const SLOTS = 3;

const NO_STATS = new Float64Array(0);

/**
 * A probe of the line already running reads one time in REREAD. The seed's call at 1e6 (three
 * million probes, each line's all in one run) took 1.18-1.43 s reading at every probe, 0.33-0.44 s
 * with this; a run's largest reading is missed by at most what REREAD - 1 of its probes' work
 * allocated.
 */
const REREAD = 8;
/**
 * 'exact' does not read again inside a run: each of its readings is two full collections (~5 ms),
 * and what a run retains is what is live at its end. A loop on one line costs one reading, not one
 * a pass (1e6 passes of `xs.push(i)`: hours).
 */
const EXACT_REREAD = 2 ** 30;

export class Frame {
  /** Probes record only while true: from the entry reading to the exit reading. */
  active = false;
  /**
   * A generator's body has stopped at a `yield`: what runs until it resumes is the consumer's, no
   * line's. Its next probe takes a fresh baseline and records again.
   */
  suspended = false;
  /** Set when the instrumented body took this frame (so it was built with the transformer). */
  claimed = false;
  table: LineTable | undefined = undefined;
  /** [increment, mem, occurrences] per line, indexed (line - base) * SLOTS. */
  stats: Float64Array;
  base = 0;
  /** Index into stats of the line whose work is running. */
  cur = 0;
  /** Probes of that line since the last reading (see line), and how many of them take one. */
  repeats = 0;
  readonly reread: number;
  /** Readings this call's probes and returns did not take (settle.ts counts their cost as the call's time). */
  unread = 0;
  /** Previous reading of this call, less `hidden`. */
  prev = 0;
  /** Raw reading when the wrapper was entered; the entry of a body that never claimed the frame. */
  entryRaw = 0;
  /** Raw reading at exit. */
  exitRaw = 0;
  readonly hides: boolean;
  /** `gc: true`: the call's drops of the heap and its collections, to place them; null otherwise. */
  gc: GcRecorder | null = null;
  /** `gc: true` with 'rss': the heap is read at every reading to see drops (the reading is not the heap's). */
  gcEach = false;
  /** Bytes the gc recorder holds: kept out of this frame's figures, Mem usage included. */
  own = 0;
  /** `peak: true` asked for at the call's start: `begin` makes the tracker, sized for the table. */
  wantsPeak = false;
  /** `peak: true`: the runs and collections behind the Peak column; null otherwise. */
  peak: PeakTracker | null = null;
  /**
   * The default backend's collections (settle.ts): a probe whose reading is above this considers
   * one, on its rare path. Infinity when the call does not settle.
   */
  settleAt = Infinity;
  /** The call's clock and collections, when it settles (settle.ts); null otherwise. */
  clock: CallClock | null = null;

  /**
   * @param read the backend's reading
   * @param hides whether increments leave out the profiler's own allocations (`hidden`); not for
   *   'exact', whose readings follow a full GC that has already freed them
   */
  constructor(
    readonly site: Site | null,
    readonly read: () => number = heapReading,
    readonly backend: Backend = 'heap',
  ) {
    this.hides = backend !== 'exact';
    this.reread = backend === 'exact' ? EXACT_REREAD : REREAD;
    const table = site?.table;
    this.stats = table ? new Float64Array(table.lines.length * SLOTS) : NO_STATS;
  }

  /** Probe: work on source line `n` starts now. */
  line(n: number): void {
    if (!this.active) {
      if (!this.suspended) return;
      this.wake();
    }
    const j = (n - this.base) * SLOTS;
    // Peak mode may collect first: the reading then is what is live (see peak.ts).
    if (this.peak !== null) this.peak.probe(j / SLOTS);
    // The line already running goes on (a loop written on one line, a callback's body on the calling
    // line): a reading here would close an interval charged to this line and open the next for it,
    // and the next line's reading gives the same Increment alone. One such probe in REREAD reads, for
    // Mem usage (the largest reading) to follow the line's work ('exact': none). `gc: true` and the
    // reading log see every interval: read for them.
    if (j === this.cur && ++this.repeats < this.reread && this.gc === null && recording === null) {
      this.stats[j + OCC] += 1;
      this.unread++;
      return;
    }
    this.repeats = 0;
    let raw = this.read();
    // Rare: the heap grew a lot since the last settled reading; a collection may close this interval.
    if (raw > this.settleAt && settleAtProbe(this, j)) raw = this.read();
    this.close(raw);
    this.stats[j + OCC] += 1;
    this.cur = j;
  }

  /** Entering a function written inside the method: remember whose line called it. */
  save(): number {
    if (this.peak !== null && this.active) this.deeper(this.peak);
    return this.cur;
  }

  private deeper(peak: PeakTracker): void {
    if (peak.full()) {
      const mark = unseenFrom();
      peak.grow();
      unseenUntil(mark);
    }
    peak.enter();
  }

  /**
   * Leaving it: charge its last line, and the caller's line owns the work again. When that last line
   * is the caller's own (a callback written on the calling line, `xs.map((x) => x * x)`), the
   * interval goes on and the next reading closes it, charged to the same line: the same Increment,
   * for one reading less a call (the seed's million callbacks at 1e6: 0.5 s of its call; in 'exact', two
   * million full collections). `gc: true` and the reading log see every interval: read for them.
   */
  restore(saved: number): void {
    if (!this.active) return;
    if (this.peak !== null) this.peak.leave();
    if (this.cur !== saved || this.gc !== null || recording !== null) this.close(this.read());
    else this.unread++;
    this.cur = saved;
  }

  /** A generator's body stopped at a `yield`: its interval closes here, and probes wait for it to run again. */
  suspend(): void {
    if (!this.active) return;
    if (this.peak !== null) this.peak.stop();
    const raw = this.read();
    this.close(raw);
    // `gc: true`: the time away starts here.
    if (this.gc !== null && !this.gcEach) this.gc.run[0] = raw;
    this.active = false;
    this.suspended = true;
    // The consumer runs until it resumes: its garbage is not for this call's lines to free (settle.ts).
    if (this.clock !== null) this.clock.away = true;
  }

  /** The body runs again after a `yield`: a fresh baseline, so the time away is charged to no line. */
  private wake(): void {
    const raw = this.read();
    // With gc: true, collections while it was away belong to no line either (first: it may grow `own`).
    if (this.gc !== null) this.gcStretch(raw, AWAY);
    this.prev = this.level(raw);
    this.active = true;
    this.suspended = false;
  }

  /** A raw reading as this frame counts it: less the profiler's own allocations it leaves out. */
  private level(raw: number): number {
    return (this.hides ? raw - hidden : raw) - this.own;
  }

  private close(raw: number): void {
    const now = this.level(raw);
    const s = this.stats;
    const c = this.cur;
    s[c + INC] += now - this.prev;
    if (raw > s[c + MEM]) s[c + MEM] = raw;
    this.prev = now;
    // One rarely taken call, so the probe stays small enough for V8 to keep it inlined and free of
    // allocations (a second call site here, or a few more bytes of code, made it allocate again:
    // on Node 20 the probe inlined into a loop then no longer had getHeapStatistics inlined). The
    // reading is not passed: a double passed to a call V8 did not inline is boxed.
    if (this.gc !== null || recording !== null) this.witness(c);
  }

  /** `gc: true` and probe logs: what else the reading that `close` just took is for, off the hot path. */
  private witness(slot: number): void {
    // The raw reading, from what close kept of it (exact: integers).
    witnessed[0] = this.prev + this.own + (this.hides ? hidden : 0);
    if (this.gc !== null) this.markCollections(slot);
    if (recording !== null) recording.record(witnessed[0], this.backend);
  }

  /**
   * `gc: true`: the interval charged to `slot` ended at `raw`. Only a drop of the heap is recorded
   * (a few numbers per collection); any other interval updates its run's largest rise, in place.
   */
  private markCollections(slot: number): void {
    const gc = this.gc!;
    const run = gc.run;
    // 'heap' and 'exact' read the heap; 'rss' does not: the heap is read here.
    witnessed[1] = this.gcEach ? heapReading() : witnessed[0];
    if (witnessed[1] >= run[0]) {
      // In place, in typed arrays: no number is boxed.
      if (witnessed[1] - run[0] > run[2]) {
        run[1] = slot;
        run[2] = witnessed[1] - run[0];
      }
      run[0] = witnessed[1];
      return;
    }
    gc.event(slot, witnessed[1]);
    if (gc.full) this.own += gc.grow();
  }

  /**
   * `gc: true`: what ran since `run[0]` was last set (before the entry, a generator's time away, after
   * the exit) is no line's.
   */
  private gcStretch(raw: number, slot = NO_LINE): void {
    const gc = this.gc!;
    gc.event(slot, this.gcEach ? heapReading() : raw);
    if (gc.full) this.own += gc.grow();
  }

  /** `gc: true` for this call: `recorder` records its drops and collections. */
  watchCollections(recorder: GcRecorder): void {
    this.gc = recorder;
    this.gcEach = this.backend === 'rss';
  }

  /** The instrumented body took this frame: size it for the table and take the entry reading. */
  begin(table: LineTable): void {
    const size = table.lines.length * SLOTS;
    if (this.stats.length !== size) {
      const mark = unseenFrom();
      this.stats = new Float64Array(size);
      unseenUntil(mark);
    }
    this.claimed = true;
    this.table = table;
    this.base = table.first;
    if (this.wantsPeak && this.peak === null) {
      const mark = unseenFrom();
      this.peak = new PeakTracker(table.lines.length);
      unseenUntil(mark);
      this.peak.begin();
    }
    // The default backend may collect first (settle.ts): the entry reading is then settled.
    if (this.clock !== null) settleAtEntry(this, this.clock, table.entry - table.first);
    const raw = this.read();
    const j = (table.entry - table.first) * SLOTS;
    // The @profile line carries the entry reading, its increment measured from 0 (as memory_profiler).
    this.stats[j + INC] = raw - this.own;
    this.stats[j + MEM] = raw - this.own;
    this.stats[j + OCC] = 1;
    this.prev = this.level(raw);
    this.cur = j;
    this.active = true;
    if (this.gc !== null) this.gcStretch(raw);
    if (recording !== null) recording.record(raw, this.backend);
  }

  /** The exit reading closes the last interval; probes of closures that outlive the call do nothing. */
  end(raw: number): void {
    // Peak mode: the open runs end with a collection when they are measured; read again after it.
    if (this.active && this.peak !== null && this.peak.stop()) raw = this.read();
    // The default backend: the last line's interval may close with a collection (settle.ts).
    if (this.active && raw > this.settleAt && settleAtExit(this)) raw = this.read();
    if (this.active) this.close(raw);
    // `gc: true`: what follows the exit reading is no line's (GcRecorder.stop).
    if (this.gc !== null && !this.gcEach) this.gc.run[0] = raw;
    this.active = false;
    this.suspended = false;
    this.exitRaw = raw;
  }

  /**
   * A call whose body was built without the transformer: the whole call on one row (the decorator
   * line's), from the wrapper's entry and exit readings.
   */
  asOneRow(): void {
    this.stats = new Float64Array([this.exitRaw, Math.max(this.entryRaw, this.exitRaw), 1]);
  }

  occurrences(index: number): number {
    return this.stats[index * SLOTS + OCC];
  }
  mem(index: number): number {
    return this.stats[index * SLOTS + MEM];
  }
  increment(index: number): number {
    return this.stats[index * SLOTS + INC];
  }
  /** `peak: true`: the line's Peak (the `@profile` row: the call's), or null when not measured. */
  peakOf(index: number): number | null {
    const peak = this.peak;
    if (peak === null) return null;
    if (this.table !== undefined && index === this.table.entry - this.table.first) return peak.callPeak();
    const bytes = peak.peaks[index];
    return bytes < 0 ? null : bytes;
  }
}

/**
 * The reading being witnessed, and the heap level (Frame.witness): passed in a typed array, not as an argument, because
 * a double passed to a call that V8 did not inline is boxed, and `gc: true` then allocated a heap
 * number every few readings.
 */
const witnessed = new Float64Array(2);

/**
 * What takes each reading of every frame while `memoryUsage` or `limitMemory` runs
 * (memory-usage/probe-log.ts).
 */
export interface ReadingLog {
  record(raw: number, backend: Backend): void;
}

/**
 * The log taking readings now, or null. A variable of this module, set through `recordReadingsInto`:
 * the probe's check is then a plain load. (Read as another module's export, the check made V8
 * deoptimise the probe after its warm-up, and the probe allocated again for a while.)
 */
let recording: ReadingLog | null = null;

export function recordReadingsInto(log: ReadingLog | null): void {
  recording = log;
}

/** The frame of bodies that run outside a profiled call (disabled, or after the call returned). */
export const IDLE = new Frame(null);

/** The probe as the transformer emits it: work on line `n` of `frame`'s method starts now. */
export function line(frame: Frame, n: number): void {
  frame.line(n);
}

/**
 * `yield __mp.__yielding(frame, value)` in an async generator's body: it is about to stop at the
 * yield (a sync generator is stopped by its wrapper instead, once `next()` returns).
 */
export function yielding<T>(frame: Frame, value: T): T {
  frame.suspend();
  return value;
}
