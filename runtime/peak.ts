/**
 * `peak: true`: the Peak column. Per line, the most live memory (garbage not counted) reached while
 * the line's work ran, above the live memory when that work started.
 *
 * Live memory is only known right after a full collection, and a collection costs milliseconds, so
 * they are spent where they tell the most:
 *
 * - A *run* of a line is its work from the probe that starts it to the probe of another line at the
 *   same level (a callback's lines run one level deeper: the calling line's run goes on meanwhile,
 *   and what they reach counts for it too). A line's Peak is the largest of its runs' peaks.
 * - A line's 1st, 2nd, 4th, 8th and 16th run in a call is *sampled*, then at eight times the last
 *   (128th, 1024th, 8192nd...): a collection when it starts (its base) and when it ends, so every line
 *   is measured at least once and a loop's lines cost a logarithmic number of collections. Runs in
 *   between are not measured (a loop whose 5th pass alone needs the memory shows only the passes
 *   measured).
 * - Inside a sampled run, a collection at its 2nd probe, then each time its probes have grown by half
 *   while the live memory grows (a structure that grows with the line's probes is caught at two
 *   thirds of its size or more), by eight times while it does not.
 * - A collection that could not find 16 KB more than the run's most is not made (an in-run one, or
 *   the one at a run's end): what is live grows no faster than the plain heap reading between two
 *   collections, and that reading rose less.
 *
 * The seed's example at 1e6 (three million probes: a generator's loop on one line, a callback on the
 * other, each run a million times) took 66 collections with doubling everywhere: 20 in the
 * generator line's run, whose live memory stays flat, 39 for the callback's sampled runs. Spaced as
 * above, it took 34 (28 at 1e4, one of them a reading taken again: see collect), ~0.4 s of the
 * call's ~1.9 s; with the collections that could find nothing left out, 29 (22 at 1e4): each
 * sampled callback's run, a few probes long, now ends without one. They are most of the call's
 * ~0.8 s since the frame reads at one probe in eight of the line already running (frame.ts).
 *
 * A collection is readings.ts's liveBytes, as in 'exact': the optimizing compilers' background jobs
 * finished first (one in flight holds memory that is nobody's), two full collections (the second
 * releases the memory of ArrayBuffers the first freed, and temporaries V8 itself still pointed at
 * during the first), and V8's code and bytecode left out.
 *
 * All state is numbers in typed arrays: the probe path allocates nothing here but what V8's
 * unoptimised code boxes.
 */
import { heapReading, liveBytes, settleReady } from './readings';

/**
 * In-run collections come each time the run's probes have grown by half while the live memory
 * grows (more than GROWING bytes since the run's most: a structure growing with the probes is caught
 * at two thirds of its size or more), and each time they have grown eight times while it does not.
 */
const GROWTH = 1.5;
const FLAT_GROWTH = 8;
const GROWING = 64 * 1024;
/**
 * A collection that could find at most this much more than a run's most is not made (see upTo): the
 * end of a run, or an in-run collection, when the plain heap reading rose less than this since the
 * last collection. Each callback's run of the seed's `Array.from(..., (_, x) => x * x)` took two
 * collections when sampled, one to start it and one to end it, a few probes later.
 */
const UNSEEN = 16 * 1024;
/** A reading this far above the last one is taken again (see PeakTracker.collect). */
const WOBBLE = 64 * 1024;

/** Whether a line's `runs`th run in a call is sampled: 1, 2, 4, 8, 16, then 128, 1024, 8192... */
function sampled(runs: number): boolean {
  if ((runs & (runs - 1)) !== 0) return false;
  // A power of two, 2^k: up to 16, every one; above, every third (Math.clz32(2^k) is 31 - k).
  return runs <= 16 || (31 - Math.clz32(runs)) % 3 === 1;
}

// One level of the stack: the run of the line running at that level of nested calls.
const SLOT = 0; // line index of the run, -1 for none
const BASE = 1; // live bytes when the run started (sampled runs only)
const MAX = 2; // the most live bytes seen during the run, deeper levels included
const PROBES = 3; // probes of the run so far
const NEXT = 4; // the probe count of the next in-run collection
const SAMPLED = 5; // 1 when the run is measured
const DEEPEST = 6; // the most live bytes seen at this level, over all its runs (for the level above)
const FIELDS = 7;

export class PeakTracker {
  /** Per line index: the largest peak measured, -1 when none was. */
  readonly peaks: Float64Array;
  /** Per line index: runs started in this call. */
  private readonly runs: Float64Array;
  private stack = new Float64Array(8 * FIELDS);
  /** Offset of the current level in `stack`. */
  private top = 0;
  /** Live bytes at the entry reading, and the most seen over the call. */
  private entry = 0;
  private most = 0;
  /** Collections made for this call (reported in the docs' cost figures, and tested). */
  collections = 0;
  /** The last live reading, -1 before the first, and the plain heap reading right after it. */
  private lastLive = -1;
  private lastRaw = 0;

  constructor(lines: number) {
    settleReady();
    this.peaks = new Float64Array(lines).fill(-1);
    this.runs = new Float64Array(lines);
    this.stack[SLOT] = -1;
  }

  /**
   * Live bytes now (readings.ts's liveBytes: compilers' jobs finished, two full collections, code left
   * out). A reading more than WOBBLE above the last one is taken again and the lower stands: now and
   * then V8 counts pages its background sweeper has not swept yet as used (old space 164 KB high on
   * Node 20 under load, both used_heap_size and the spaces' sum, the next reading back down), which
   * put the seed's 80 KB list at 257 KB in 5 of 20 processes. Real growth reads the same twice.
   */
  private collect(): number {
    this.collections++;
    let live = liveBytes();
    if (this.lastLive >= 0 && live > this.lastLive + WOBBLE) {
      this.collections++;
      live = Math.min(live, liveBytes());
    }
    this.lastLive = live;
    this.lastRaw = heapReading();
    return live;
  }

  /**
   * The most a collection now could read: the last live reading plus what the plain heap reading
   * rose since (what is live grows no faster than the heap, garbage and code included, between two
   * collections; code only goes when V8 collects in full on its own).
   */
  private upTo(): number {
    return this.lastLive + heapReading() - this.lastRaw;
  }

  /** The entry: a collection, the base of the call's own peak (the `@profile` row). */
  begin(): void {
    this.entry = this.most = this.collect();
  }

  /** The call's peak above its entry, for the `@profile` row. */
  callPeak(): number {
    return Math.max(0, this.most - this.entry);
  }

  private seen(live: number): void {
    const s = this.stack;
    const o = this.top;
    if (live > s[o + MAX]) s[o + MAX] = live;
    if (live > s[o + DEEPEST]) s[o + DEEPEST] = live;
    if (live > this.most) this.most = live;
  }

  /** Ends the run at offset `o` with the live bytes just read (a sampled run only). */
  private finish(o: number, live: number): void {
    const s = this.stack;
    if (live > s[o + MAX]) s[o + MAX] = live;
    const line = s[o + SLOT];
    const peak = Math.max(0, s[o + MAX] - s[o + BASE]);
    if (peak > this.peaks[line]) this.peaks[line] = peak;
  }

  /**
   * A probe of line index `line`, before the frame takes its reading. Returns true when it collected
   * (the frame's reading then reads what is live).
   */
  probe(line: number): boolean {
    const s = this.stack;
    const o = this.top;
    if (s[o + SLOT] === line) {
      const probes = ++s[o + PROBES];
      if (s[o + SAMPLED] === 0 || probes < s[o + NEXT]) return false;
      if (this.upTo() < s[o + MAX] + UNSEEN) {
        s[o + NEXT] = Math.ceil(probes * GROWTH);
        return false;
      }
      const live = this.collect();
      s[o + NEXT] = Math.ceil(probes * (live > s[o + MAX] + GROWING ? GROWTH : FLAT_GROWTH));
      this.seen(live);
      return true;
    }
    let ending = s[o + SLOT] >= 0 && s[o + SAMPLED] === 1;
    const runs = ++this.runs[line];
    const starting = sampled(runs);
    if (ending && !starting && this.upTo() < s[o + MAX] + UNSEEN) {
      this.finish(o, s[o + MAX]);
      ending = false;
    }
    let live = -1;
    if (ending || starting) live = this.collect();
    if (ending) this.finish(o, live);
    if (live >= 0) this.seen(live);
    s[o + SLOT] = line;
    s[o + PROBES] = 1;
    s[o + NEXT] = 2;
    s[o + SAMPLED] = starting ? 1 : 0;
    s[o + BASE] = live;
    s[o + MAX] = live;
    return live >= 0;
  }

  /** Whether entering a nested function needs a bigger stack first (see grow). */
  full(): boolean {
    return this.top + 2 * FIELDS > this.stack.length;
  }

  /** Doubles the stack; the frame brackets it so its bytes stay out of the figures. */
  grow(): void {
    const bigger = new Float64Array(this.stack.length * 2);
    bigger.set(this.stack);
    this.stack = bigger;
  }

  /** A function written inside the method starts: its lines run one level deeper. */
  enter(): void {
    this.top += FIELDS;
    const s = this.stack;
    const o = this.top;
    s[o + SLOT] = -1;
    s[o + DEEPEST] = -1;
  }

  /**
   * That function returns: its last run ends, and the calling line's run goes on (a probe of it, as
   * far as in-run collections are concerned). Returns true when it collected.
   */
  leave(): boolean {
    if (this.top === 0) return false;
    const s = this.stack;
    const o = this.top;
    const up = o - FIELDS;
    let ending = s[o + SLOT] >= 0 && s[o + SAMPLED] === 1;
    const measured = s[up + SLOT] >= 0 && s[up + SAMPLED] === 1;
    const probes = measured ? ++s[up + PROBES] : 0;
    let due = measured && probes >= s[up + NEXT];
    if (ending || due) {
      const most = this.upTo() - UNSEEN;
      if (ending && most < s[o + MAX]) {
        this.finish(o, s[o + MAX]);
        ending = false;
      }
      if (due && most < Math.max(s[up + MAX], s[o + DEEPEST])) {
        s[up + NEXT] = Math.ceil(probes * GROWTH);
        due = false;
      }
    }
    let live = -1;
    if (ending || due) live = this.collect();
    if (ending) this.finish(o, live);
    // The calling line's run goes on: a collection here (for either reason) is one of its own, and
    // its next one is counted from here.
    if (measured && live >= 0) {
      const before = Math.max(s[up + MAX], s[o + DEEPEST]);
      s[up + NEXT] = Math.ceil(probes * (live > before + GROWING ? GROWTH : FLAT_GROWTH));
    }
    if (live >= 0) this.seen(live);
    const deepest = s[o + DEEPEST];
    this.top = up;
    if (deepest > s[up + MAX]) s[up + MAX] = deepest;
    if (deepest > s[up + DEEPEST]) s[up + DEEPEST] = deepest;
    return live >= 0;
  }

  /**
   * The body stops (the call's exit, or a generator's `yield`): every open run ends. Returns true
   * when it collected.
   */
  stop(): boolean {
    const s = this.stack;
    let sampled = false;
    for (let o = this.top; o >= 0; o -= FIELDS) if (s[o + SLOT] >= 0 && s[o + SAMPLED] === 1) sampled = true;
    const live = sampled ? this.collect() : -1;
    while (true) {
      const o = this.top;
      if (live >= 0) this.seen(live);
      if (s[o + SLOT] >= 0 && s[o + SAMPLED] === 1) this.finish(o, live);
      s[o + SLOT] = -1;
      if (o === 0) break;
      const deepest = s[o + DEEPEST];
      this.top = o - FIELDS;
      if (deepest > s[this.top + MAX]) s[this.top + MAX] = deepest;
      if (deepest > s[this.top + DEEPEST]) s[this.top + DEEPEST] = deepest;
    }
    return sampled;
  }
}
