/**
 * `ts-mprof run --timeline` support inside the profiled program: when TS_MPROF_TIMELINE names a
 * file, each profiled call appends memory_profiler's line
 *
 *   FUNC <name> <MiB at entry> <epoch s at entry> <MiB at exit> <epoch s at exit> <nesting level>
 *
 * to it, with RSS readings, so the recording shows each call as a bracket on the memory curve. The
 * line is written by cli/dat.ts, the one module of the `.dat` format, loaded at the first call
 * recorded (a process not recorded never loads it).
 * The file is opened for appending (O_APPEND): the sampler's MEM lines and these never interleave
 * within a line. Unset, the only cost is a `timelineOn` check when a call opens and when it ends.
 */
import * as fs from 'fs';
import { rssReading } from '../readings';
import { describeError, sayOnce } from '../stderr';
import type { Frame } from '../frame';

export const TIMELINE_ENV = 'TS_MPROF_TIMELINE';

/** Read once: whether this process is being recorded. */
export const timelineOn: boolean = !!process.env[TIMELINE_ENV];

const MIB = 2 ** 20;

/** Epoch milliseconds with sub-millisecond digits (mprof writes tenths of a millisecond). */
function now(): number {
  return performance.timeOrigin + performance.now();
}

let fd: number | null | undefined;
/** How many recorded calls are open: a call's nesting level, 0 for the outermost (as mprof counts). */
let depth = 0;

interface Entry {
  mem0: number;
  t0: number;
  level: number;
}

let funcLine: typeof import('../../cli/dat').funcLine | undefined;

/** The entry of each open call, by its frame; a frame dropped unfinished (a generator) takes it along. */
const entries = new WeakMap<Frame, Entry>();

/** A profiled call starts (its frame was just made): its entry reading and time. */
export function timelineEnter(frame: Frame): void {
  entries.set(frame, { mem0: rssReading(), t0: now(), level: depth++ });
}

/**
 * A profiled call ended (its exit reading was taken): appends its FUNC line. An async call ends when
 * its body completes, a generator's when it finishes. Never throws.
 */
export function timelineLeave(frame: Frame, name: string): void {
  const entry = entries.get(frame);
  if (entry === undefined) return;
  entries.delete(frame);
  depth--;
  const mem1 = rssReading();
  const t1 = now();
  try {
    if (fd === undefined) {
      fd = fs.openSync(process.env[TIMELINE_ENV]!, 'a');
      // Loaded here, once: only a recorded run needs the .dat format, and a require per call would
      // resolve its path again each time.
      funcLine = (require('../../cli/dat') as typeof import('../../cli/dat')).funcLine;
    }
    if (fd === null || funcLine === undefined) return;
    fs.writeSync(fd, funcLine(name, entry.mem0 / MIB, entry.t0 / 1000, mem1 / MIB, t1 / 1000, entry.level));
  } catch (error) {
    fd = null;
    sayOnce('timeline', `could not write to the timeline file ${process.env[TIMELINE_ENV]}: ${describeError(error)}`);
  }
}
