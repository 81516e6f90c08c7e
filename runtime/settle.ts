/**
 * The default backend's collections ('heap', no `gc`, no `peak`): full collections spent where a
 * call's own time pays for them, so that an Increment counts what a line retains rather than what
 * happened to be garbage, or to be collected, while it ran.
 *
 * Without them, a heap reading holds every piece of garbage not yet collected, and a collection that
 * V8 starts inside a line frees whatever was garbage then, made by earlier lines or earlier calls: a
 * `JSON.parse` line read -9.5 MiB where it retains 11.4 MB, a line pushing 1e6 numbers read twice
 * its array (the backing stores it outgrew), a warm call's loop -4x its size.
 *
 * - **At the entry** (before the entry reading): a collection in a method's first call, always;
 *   in later calls when the heap grew GROWTH since the last one and the bank (SHARE of the profiled
 *   calls' own time, less what collections took) covers it, or when the method's last call settled a line (then up to NEEDED_SHARE of that call's
 *   time). Garbage of earlier calls (what the previous call returned and its caller dropped, which
 *   no growth of the heap shows) is then gone before the call's first line, and V8 has room before
 *   it collects on its own.
 * - **At a probe** (rare path): the probe compares its reading with `frame.settleAt`, GROWTH above
 *   the last settled reading (one compare, no clock in the common case). Above it, at a line's first
 *   run in the call (the line after a loop, not the loop's passes), in a call settled at its entry, a
 *   collection when the call's own elapsed time allows: SHARE of it (NEEDED_SHARE in a call settled
 *   because its method needs it), plus the bank; in a method's first call, whatever the time, up to
 *   FIRST_CALL of them. Refused, the threshold moves GROWTH above the reading. The collection closes
 *   the interval it ran in: that line's Increment is then settled, its own garbage (a `join`'s 8 MB
 *   array, a pushed array's outgrown backing stores) left out. A call not settled at its entry does
 *   not collect in its lines: that would free earlier calls' garbage into one of them. Nor does a
 *   call after its body awaited or yielded: what ran meanwhile was not its own.
 *
 * A collection is two full ones, as in 'exact' (readings.ts fullCollections). Its cost
 * is estimated from the last one's, per byte of heap.
 *
 * Every collection is counted on the line whose interval it ran in (the entry's on the `@profile`
 * row): the report marks those lines (report/index.ts).
 */
import type { Frame } from './frame';
import { finishCompilerJobs, fullCollections, heapReading } from './readings';

/** Heap growth since the last settled reading at which a probe considers a collection. */
export const GROWTH = 1024 * 1024;
/** Share of a call's elapsed time collections may take (at its entry, from the bank; at a line's first run). */
const SHARE = 0.2;
/** Collections a method's first call may make at its lines' first runs, whatever their time. */
const FIRST_CALL = 8;
/** The most the bank keeps (ms): quiet calls do not save up for a burst of collections. */
const BANK_CAP = 100;

// Layout of Frame.stats (frame.ts): a line's Mem usage (its highest reading) and occurrences slots.
const MEM = 1;
const OCC = 2;
const SLOTS = 3;

/** Milliseconds of collection the profiled calls' own time has paid for and not spent (may be < 0). */
let bank = 0;
/** Cost of a collection per byte of heap, from the last one (ms/B): ~1 ms per MB to start with. */
let msPerByte = 1e-6;
/** The heap reading right after the last collection made here, in any call. */
let settledLevel = 0;
/** Collections made here, in this process. */
let made = 0;
/** Frames of profiled calls (that settle) begun and not ended: only a call with none active collects. */
const inFlight: Frame[] = [];
/** Methods (their sites) that had a profiled call: the first one always collects at its entry. */
const called = new WeakSet<object>();
/**
 * Per method: its last call's own time (ms), its entry reading (bytes, after the entry's collection
 * if any), how far its readings rose above it (bytes), and whether a collection settled one of its
 * lines.
 */
const lastCalls = new WeakMap<object, { elapsed: number; base: number; grew: number; settledLine: boolean }>();
/**
 * The share of its time a call may spend on collections when its method's last call settled a line
 * (the entry's measured against that last call's time).
 */
const NEEDED_SHARE = 0.5;
/**
 * Or, whatever the times, when that last call's readings rose by this share of what was live at its
 * entry (what is live at this one, once its caller dropped what it returned): the collection then
 * marks at most twice what the call made. Not the last collection's level: one in the last call's
 * lines counted what it went on to return (a 10 MB Buffer, on a heap of 11 MB: 10 MB against half
 * of 21 MB), and every later entry was refused, the Buffers piling up until V8 freed four of them
 * inside one call's `Buffer.alloc` line (-30 MB; Node 22, a loaded machine). Times alone refused
 * it on a machine whose cores were all taken (V8 marks on helper threads, which a busy machine
 * starves: a pair of collections took 40-70 ms against a 90-170 ms call, ~12 ms against ~35 ms
 * quiet), and what the previous call dropped was freed inside the parse line: -100% in 6 of 10 warm
 * calls.
 */
const NEEDED_GROWTH = 0.5;

/** Per call: its clock and what its collections took. One per frame that settles. */
export class CallClock {
  /** performance.now() at the call's entry. */
  start = 0;
  /** Milliseconds its collections took (not counting a first call's entry). */
  spent = 0;
  /**
   * Milliseconds its entry's collection took when its method needed it (`needed`): the last call's
   * time paid for that one (settleAtEntry), so its lines' allowance does not count it again.
   */
  entrySpent = 0;
  /** Collections made in this call, and whether it is its method's first profiled call. */
  made = 0;
  first = false;
  /** Whether a line's first run in this call passed the threshold (asked for a collection). */
  asked = false;
  /** Whether the call collected at its entry: only then may its lines collect. */
  settled = false;
  /** Whether its method's last call settled a line (see settleAtEntry). */
  needed = false;
  /** The heap reading at its entry, after the entry's collection if any (bytes). */
  base = 0;
  /**
   * An async body's call: the `turn` at its entry (-1 for any other). Once `turn` moved on, the body
   * has awaited, and code not its own ran between its lines (see awayFrom).
   */
  turn = -1;
  /** A generator's call that yielded: its consumer ran between its lines (Frame.suspend). */
  away = false;
  /**
   * Per line index: collections that ran in the line's intervals; null until the first (made right
   * after it, before the probe reads again: a few bytes, rather than an array in every call).
   */
  marks: Float64Array | null = null;

  constructor(readonly lines: number) {}
}

/** Collections made by the profiler in this process ('heap' default backend; for tests and docs). */
export function settleCollections(): number {
  return made;
}

const DEBUG = !!process.env.MPROF_SETTLE_DEBUG;

/**
 * Microtask checkpoints seen since the process started, counted by one microtask queued at an async
 * call's entry: an await resumes its body in a microtask queued after that one, so a body that has
 * awaited always sees `turn` moved on. What ran meanwhile (the caller, other requests, Node's loader)
 * left garbage a collection in this call's lines would free into them: an async arrow's array line
 * read 699,056 B for its 800,016 when one ran after the await.
 */
let turn = 0;
let turnQueued = false;
function nextTurn(): void {
  turn++;
  turnQueued = false;
}

/** Whether code other than the call's own has run between its lines: an await, a yield. */
function awayFrom(clock: CallClock): boolean {
  return clock.away || (clock.turn >= 0 && clock.turn !== turn);
}

/** What a collection would cost now: per byte of what the last one kept (what is live grows slowly). */
function estimate(heap: number): number {
  return Math.min(heap, settledLevel > 0 ? settledLevel : heap) * msPerByte;
}

/** Two full collections; returns the heap reading after them, and learns their cost. */
function collect(clock: CallClock): number {
  const before = heapReading();
  // Not timed: a compiler's job is waited for once, and would finish on its own meanwhile anyway.
  finishCompilerJobs();
  const t = performance.now();
  fullCollections();
  const took = performance.now() - t;
  clock.spent += took;
  clock.made++;
  made++;
  settledLevel = heapReading();
  // Marking is most of a full collection's cost, and it visits what is live: per byte kept. Down at
  // once, up slowly: one collection slowed by a busy machine should not stop the next ones.
  if (settledLevel > 0) {
    const rate = took / settledLevel;
    msPerByte = rate < msPerByte ? rate : 0.75 * msPerByte + 0.25 * rate;
  }
  if (DEBUG)
    process.stderr.write(
      `settle: ${took.toFixed(2)} ms, ${(before / 1e6).toFixed(2)} -> ${(settledLevel / 1e6).toFixed(2)} MB, bank ${bank.toFixed(2)}\n`,
    );
  return settledLevel;
}

function mark(clock: CallClock, index: number): void {
  const marks = (clock.marks ??= new Float64Array(clock.lines));
  if (index >= 0 && index < marks.length) marks[index]++;
}

/**
 * The call's entry, before its entry reading: a collection in the method's first call, or when the
 * heap grew since the last one and the bank covers it. Returns true when it collected.
 */
export function settleAtEntry(frame: Frame, clock: CallClock, entryIndex: number): boolean {
  clock.spent = 0;
  clock.entrySpent = 0;
  clock.made = 0;
  clock.asked = false;
  clock.away = false;
  clock.turn = -1;
  if (frame.table?.async === true) {
    clock.turn = turn;
    if (!turnQueued) {
      turnQueued = true;
      queueMicrotask(nextTurn);
    }
  }
  // A call inside another profiled call (nested, or while an async one is in flight) does not
  // collect: its collection would run inside the outer call's line, and free that call's garbage
  // into it. Frames no longer active (ended, a generator suspended or dropped) are let go here.
  let nested = false;
  for (let i = inFlight.length - 1; i >= 0; i--) {
    if (inFlight[i].active) nested = true;
    else inFlight.splice(i, 1);
  }
  inFlight.push(frame);
  if (nested) {
    clock.settled = false;
    frame.settleAt = Infinity;
    clock.start = performance.now();
    return false;
  }
  const site = frame.site;
  const first = site !== null && !called.has(site);
  if (first) called.add(site);
  clock.first = first;
  const raw = heapReading();
  const last = site === null ? undefined : lastCalls.get(site);
  // A method whose last call settled a line makes garbage worth settling (its result, dropped by
  // now, would be freed into a line of this call): its entry may take up to half that call's time.
  const needed =
    last !== undefined && last.settledLine && (NEEDED_SHARE * last.elapsed >= estimate(raw) || last.grew >= NEEDED_GROWTH * last.base);
  let collected = false;
  // From the bank only when the heap grew since the last collection: a collection that frees nothing
  // still costs, and makes V8 drop code it holds weakly (a hot loop's on-stack-replaced code, which
  // the next call then compiles again on its loop's line: 60-80 KB).
  const grown = raw - settledLevel >= GROWTH;
  if (first || (grown && bank >= estimate(raw)) || needed) {
    const after = collect(clock);
    // A first call's collections are the method's, paid for once, not from the bank.
    if (first) clock.spent = 0;
    else if (needed) clock.entrySpent = clock.spent;
    mark(clock, entryIndex);
    frame.settleAt = after + GROWTH;
    clock.base = after;
    collected = true;
  } else {
    if (DEBUG) process.stderr.write(`settle refused at entry: est ${estimate(raw).toFixed(2)} bank ${bank.toFixed(2)}\n`);
    // Not settled at its entry, the call does not collect in its lines either: a collection there
    // would free the garbage of earlier calls into whichever line it closes (plain heap readings).
    // A line past the threshold still says it asked (settleAtProbe), for the next call's entry.
    frame.settleAt = Math.max(raw, settledLevel) + GROWTH;
    clock.base = raw;
  }
  clock.settled = collected;
  clock.needed = needed;
  clock.start = performance.now();
  return collected;
}

/**
 * The probe's rare path: its reading is above `frame.settleAt`. `slot` is the starting line's index
 * into `frame.stats` (its occurrences not counted yet). Collects when the call's time allows; the
 * collection is in the interval of the line whose work is ending (`frame.cur`). Returns true when it
 * collected (the probe then reads again).
 */
export function settleAtProbe(frame: Frame, slot: number): boolean {
  const clock = frame.clock;
  if (clock === null) {
    frame.settleAt = Infinity;
    return false;
  }
  // A line that ran before in this call is a loop's pass: its garbage is the loop's own, and the
  // line after the loop (a first run) settles it all at once. The threshold stays, so that line
  // sees it: until then, a loop's probes above it pay this call and one load.
  if (frame.stats[slot + OCC] !== 0) return false;
  clock.asked = true;
  if (!clock.settled || awayFrom(clock) || othersActive(frame)) {
    frame.settleAt = Infinity;
    return false;
  }
  const raw = heapReading();
  // Refused: asked again once the heap grew GROWTH more.
  if (!affordable(frame, clock, raw)) {
    frame.settleAt = raw + GROWTH;
    return false;
  }
  const after = collect(clock);
  mark(clock, frame.cur / 3);
  frame.settleAt = after + GROWTH;
  return true;
}

/**
 * Whether another profiled call is under way (an async one awaiting, a nested one): a collection
 * now would run inside its intervals too, and free this call's garbage into its lines or its garbage
 * into this call's.
 */
function othersActive(frame: Frame): boolean {
  for (let i = 0; i < inFlight.length; i++) if (inFlight[i] !== frame && inFlight[i].active) return true;
  return false;
}

/**
 * A reading's cost (ms) as the budget counts it for one the frame did not take (Frame.line: a probe
 * of the line already running reads one time in eight; Frame.restore). The heap reading costs
 * 300-430 ns on Node 20-26 (BENCHMARKS.md).
 */
const UNREAD_MS = 0.0003;

/**
 * The call's own time so far (ms), as if every reading had been taken: the frame saved that much by
 * not taking them, and collections may spend a share of it. Counted without them, a loop on one line
 * made its call ~5x shorter (1e5 passes: ~10 ms, the collection after it ~8 ms), its collection
 * was refused in 9 of 10 warm calls, and the line read its outgrown backing stores (+40-70%): the
 * figures a reading at every probe paid for, at less than what those readings cost.
 */
function callTime(frame: Frame, clock: CallClock): number {
  return performance.now() - clock.start + frame.unread * UNREAD_MS;
}

/**
 * Whether a collection may run now: in a method's first call, up to FIRST_CALL collections (the
 * call a user looks at first, paid for once); otherwise within SHARE of the call's elapsed time,
 * plus the bank.
 */
function affordable(frame: Frame, clock: CallClock, raw: number): boolean {
  if (clock.first && clock.made < FIRST_CALL) return true;
  // A call settled at its entry because its method needs it may spend NEEDED_SHARE of its time on
  // its lines, the entry's collection aside (the last call's time paid for it). Counted against this
  // call's time too, a loaded machine (a pair of collections 19-23 ms, against ~8 quiet) refused
  // the collection after a 1e5-object loop in 3 of 10 warm calls, and its line read the backing
  // stores it outgrew (+45%; Node 26).
  const share = clock.needed ? NEEDED_SHARE : SHARE;
  const allowed = share * callTime(frame, clock) + Math.max(0, bank);
  const charged = clock.spent - clock.entrySpent;
  const ok = charged + estimate(raw) <= allowed;
  if (DEBUG && !ok)
    process.stderr.write(`settle refused: est ${estimate(raw).toFixed(2)} allowed ${allowed.toFixed(2)} spent ${charged.toFixed(2)}\n`);
  return ok;
}

/**
 * The exit reading is above `frame.settleAt`: the last line's interval closes with a collection
 * when the call's time (or the bank) allows. Returns true when it collected.
 */
export function settleAtExit(frame: Frame): boolean {
  const clock = frame.clock;
  if (clock === null) return false;
  clock.asked = true;
  if (!clock.settled || awayFrom(clock) || othersActive(frame) || !affordable(frame, clock, heapReading())) return false;
  collect(clock);
  mark(clock, frame.cur / 3);
  return true;
}

/**
 * The call ended: what its time paid for and its collections did not spend goes to the bank; what
 * the method's next entry needs to know is kept per method.
 */
export function settleDone(frame: Frame, clock: CallClock): void {
  const at = inFlight.indexOf(frame);
  // A call whose body never took its frame (built without the transformer) has no clock running.
  if (at < 0) return;
  inFlight.splice(at, 1);
  if (clock.first) clock.spent = 0;
  const elapsed = callTime(frame, clock);
  bank = Math.min(BANK_CAP, bank + SHARE * elapsed - clock.spent);
  if (DEBUG) process.stderr.write(`settle: call ${elapsed.toFixed(2)} ms, spent ${clock.spent.toFixed(2)}, bank ${bank.toFixed(2)}\n`);
  const site = frame.site;
  // The common case, a call no line of which asked for a collection: nothing to remember.
  if (site === null || (!clock.asked && clock.marks === null && !clock.needed)) return;
  let settledLine = false;
  const marks = clock.marks;
  const entry = frame.table === undefined ? -1 : frame.table.entry - frame.table.first;
  if (marks !== null) for (let i = 0; i < marks.length; i++) if (i !== entry && marks[i] > 0) settledLine = true;
  let top = clock.base;
  const stats = frame.stats;
  for (let i = MEM; i < stats.length; i += SLOTS) if (stats[i] > top) top = stats[i];
  let last = lastCalls.get(site);
  if (last === undefined) lastCalls.set(site, (last = { elapsed: 0, base: 0, grew: 0, settledLine: false }));
  last.elapsed = elapsed;
  last.base = clock.base;
  last.grew = top - clock.base;
  // Once a line needed settling, the method keeps its entry collections until a call made its
  // lines' garbage small (no line reached the threshold, so none asked).
  last.settledLine = settledLine || (last.settledLine && clock.asked);
}
