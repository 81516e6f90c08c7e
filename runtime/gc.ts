/**
 * `gc: true`: which line each garbage collection of a call fell in, and what it freed, with no time
 * and nothing kept per reading.
 *
 * Two sources, both synchronous:
 * - v8.GCProfiler lists every collection of the call, in order, with the heap (used + external)
 *   before and after it, when the call ends (`stop()`);
 * - the probes: between two collections the heap only grows, so an interval whose heap reading went
 *   down had a collection in it (or the sweeping that finishes one). The recorder keeps such a drop
 *   as an event (its line, the level before and after), and, for the run of intervals since the
 *   previous drop, the one that grew the heap the most (the frame's witness updates `run` in place at
 *   each reading, and calls in only at a drop). That is a few numbers per drop: the memory grows with the collections,
 *   not with the readings.
 *
 * When the call ends, the collections are laid over that sequence in order, by their levels
 * (`attribute`): a collection whose before-level is at or above where a drop started and whose
 * after-level is at or below where it ended is that drop's; one that fits no drop ran inside an
 * interval that allocated more than it freed (no drop to see), and is charged to the interval of its
 * run that grew the heap the most: the allocation that most likely set it off. Each drop's line is
 * charged at least the drop, so Allocated (increment + GC freed) is never negative.
 *
 * Node 26's `total_allocated_bytes` would give each interval's allocation directly, but it moves by
 * whole allocation buffers (~100-250 KB at a time, whatever was allocated): useless per interval.
 */
import { GCProfiler } from 'v8';
import { heapReading } from './readings';
import { Records } from './records';

/** Slot of an event that belongs to no line: before the entry, after the exit. */
export const NO_LINE = -1;
/** Slot of a generator's time away (its consumer's work): no line either, and it may hold many collections. */
export const AWAY = -2;

/** Doubles per event: [slot, level before, level after, run's slot, run's largest rise]. */
const FIELDS = 5;
/** Events per chunk (records.ts). */
const CHUNK = 1024;

/** Recorders kept for reuse: as many as calls of gc: true ever ran at once, up to this many. */
const POOL = 16;
const pool: GcRecorder[] = [];

/** A collection as GCProfiler saw it: heap + external bytes before and after. */
export interface Collection {
  before: number;
  after: number;
}

/** One call's drops and runs (from its probes) and collections (from V8). */
export class GcRecorder {
  private profiler = new GCProfiler();
  private readonly events = new Records(FIELDS, CHUNK);
  /**
   * The probe's state, in a typed array so that updating it allocates nothing: [heap level at the
   * previous reading, slot of the run's largest rise (-1: no interval yet), that rise]. The frame
   * updates it at each reading that did not go down; `event` at a drop.
   */
  readonly run = new Float64Array(3);
  private stopped = false;
  /** False once a generator's FinalizationRegistry may still stop it: never handed out again. */
  reusable = true;

  constructor() {
    this.profiler.start();
    this.run[0] = heapReading();
    this.run[1] = -1;
    this.run[2] = -1;
  }

  /** Records a new call, as a new recorder would (`takeRecorder`): its first chunk is kept. */
  private restart(): void {
    this.events.clear();
    this.stopped = false;
    this.profiler = new GCProfiler();
    this.profiler.start();
    this.run[0] = heapReading();
    this.run[1] = -1;
    this.run[2] = -1;
  }

  /**
   * A recorder for a new call: one a finished call gave back (`releaseRecorder`), else a new one.
   * Reusing them is what keeps the gc path of the probe optimised: V8's optimised code of the probe
   * (line, close, witness, markCollections) holds the recorder it was optimised with as a weak
   * constant, and a new recorder per call meant that the full collection that freed the previous
   * call's recorder deoptimised all of it ("marking dependent code ... reason: weak objects" under
   * --trace-deopt). Each call then ran its loop with the probe unoptimised, boxing numbers: 30-300 KB
   * a call on every line of a loop that allocates nothing.
   */
  static take(): GcRecorder {
    const recorder = pool.pop();
    if (recorder === undefined) return new GcRecorder();
    recorder.restart();
    return recorder;
  }

  /** The call's report is made: its recorder may record another call (never one still running). */
  static release(recorder: GcRecorder): void {
    // Once: a recorder in the pool twice would be handed to two calls at once.
    if (recorder.stopped && recorder.reusable && pool.length < POOL && !pool.includes(recorder)) pool.push(recorder);
  }

  /** The last event filled its chunk: call `grow` before the next reading. */
  get full(): boolean {
    return this.events.full;
  }

  /** Events recorded. */
  get length(): number {
    return this.events.length;
  }

  /**
   * A new chunk for the next events. Returns the bytes it took, which the frame keeps out of its
   * figures; the recorder's own level moves up by as much, so they are no interval's rise either.
   */
  grow(): number {
    const grown = this.events.grow();
    this.run[0] += grown;
    return grown;
  }

  /**
   * A drop (or a stretch that belongs to no line, `NO_LINE`) that ended at `level`; closes the run
   * before it. There is always room (`grow` when `full`).
   */
  event(slot: number, level: number): void {
    const s = this.run;
    const events = this.events;
    const at = events.next();
    const c = events.current;
    c[at] = slot;
    c[at + 1] = s[0];
    c[at + 2] = level;
    c[at + 3] = s[1];
    c[at + 4] = s[2];
    events.added();
    s[0] = level;
    s[1] = -1;
    s[2] = -1;
  }

  field(k: number, f: number): number {
    return this.events.field(k, f);
  }

  /**
   * Stops recording, with a last stretch that belongs to no line (from the exit reading to now: the
   * report's own work); returns the call's collections. Once only: later calls find none.
   */
  stop(): Collection[] {
    if (this.stopped) return [];
    this.stopped = true;
    this.event(NO_LINE, heapReading());
    const data = this.profiler.stop() as unknown as { statistics?: GcStatistic[] } | undefined;
    return (data?.statistics ?? []).map((s) => ({ before: level(s.beforeGC.heapStatistics), after: level(s.afterGC.heapStatistics) }));
  }
}

interface HeapLevel {
  usedHeapSize: number;
  externalMemory: number;
}

interface GcStatistic {
  beforeGC: { heapStatistics: HeapLevel };
  afterGC: { heapStatistics: HeapLevel };
}

function level(h: HeapLevel): number {
  return h.usedHeapSize + h.externalMemory;
}

/**
 * Slack on the level comparisons. They are exact but for what runs between a reading and a
 * collection's prologue or epilogue without being allocation (the object whose allocation started
 * the collection: a few hundred bytes; sweeping, which lowers the level after a full collection).
 */
const SLACK = 16 * 1024;

/**
 * What the collections freed, per line index (`slots` numbers per line in the frame's stats): each
 * collection is placed on a drop or a run (see the file's comment); a drop's line gets the larger of
 * the drop and what its collections freed.
 */
export function attribute(recorder: GcRecorder, collections: readonly Collection[], lineCount: number, slots: number): Float64Array {
  const freed = new Float64Array(lineCount);
  const charge = (slot: number, bytes: number): void => {
    if (slot >= 0 && bytes > 0) freed[slot / slots] += bytes;
  };
  const n = recorder.length;
  const slot = (k: number) => recorder.field(k, 0);
  const from = (k: number) => recorder.field(k, 1);
  const to = (k: number) => recorder.field(k, 2);
  const runSlot = (k: number) => recorder.field(k, 3);
  // Segments in order: the run before event 0, event 0, the run before event 1, ... event n-1 (the
  // stretch after the exit). Even s: the run before event s/2; odd s: event (s-1)/2.
  let s = 0;
  // For the event being filled: what its collections freed so far, and the after-level of the last.
  let inEvent = 0;
  let lastAfter = 0;
  let count = 0;
  const closeEvent = (k: number): void => {
    // A drop is what its collections freed, at least: the rest is sweeping finishing one of them.
    charge(slot(k), Math.max(from(k) - to(k), inEvent));
    inEvent = 0;
    count = 0;
  };
  // A first collection in event k: the heap rose from where the stretch started to the collection's
  // level, and from its level to where the stretch ended.
  const fitsFirst = (k: number, c: Collection): boolean => c.after <= to(k) + SLACK && c.before >= from(k) - SLACK;
  const fitsEvent = (k: number, c: Collection): boolean => {
    // The consumer's work while a generator was away: any collection from the level it started at,
    // down to where the heap was at either end.
    if (slot(k) === AWAY) return c.before >= (count === 0 ? from(k) : lastAfter) - SLACK && c.after <= Math.max(from(k), to(k)) + SLACK;
    if (c.after > to(k) + SLACK) return false;
    // A stretch that did not go down (a generator's time away, before the entry) takes it only if
    // the next drop cannot: one that went down is where a collection shows.
    if (count === 0) return fitsFirst(k, c) && (to(k) < from(k) || k + 1 >= n || !fitsFirst(k + 1, c));
    if (c.before < lastAfter - SLACK) return false;
    // One that fits the next drop as its first is that drop's: drops are where collections show.
    if (k + 1 < n && to(k + 1) < from(k + 1) && fitsFirst(k + 1, c)) return false;
    // A second collection in the same interval: straight after the first, or below the level the
    // interval ended at (else it ran later, in the next run).
    return c.before <= to(k) + SLACK || c.before - lastAfter <= SLACK;
  };
  for (const c of collections) {
    const bytes = Math.max(0, c.before - c.after);
    for (;;) {
      const k = s >> 1;
      if (k >= n) break;
      if (s & 1) {
        if (fitsEvent(k, c)) {
          inEvent += bytes;
          lastAfter = c.after;
          count++;
          break;
        }
        closeEvent(k);
        s++;
        continue;
      }
      // A run: the next drop takes the collection if it fits there; else the run's largest rise,
      // if the run had an interval and the collection's after-level is not above the run's end; a
      // stretch of no line that did not go down only if the run cannot.
      const runFits = runSlot(k) >= 0 && c.after <= from(k) + SLACK;
      if (fitsEvent(k, c) && (to(k) < from(k) || slot(k) === AWAY || !runFits)) {
        s++;
        continue;
      }
      if (runFits) {
        charge(runSlot(k), bytes);
        break;
      }
      s++;
    }
  }
  // The events not closed yet: their drops (and the collections of the one being filled).
  for (let k = s >> 1; k < n; k++) closeEvent(k);
  return freed;
}
