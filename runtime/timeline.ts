/**
 * `ts-mprof run --timeline` support inside the profiled program: when TS_MPROF_TIMELINE names a
 * file, each profiled call appends memory_profiler's line
 *
 *   FUNC <name> <MiB at entry> <epoch s at entry> <MiB at exit> <epoch s at exit> <nesting level>
 *
 * to it, with RSS readings, so the recording shows each call as a bracket on the memory curve.
 * The file is opened for appending (O_APPEND): the sampler's MEM lines and these never interleave
 * within a line. Unset, the only cost is the `timelineOn` check in the wrapper.
 */
import * as fs from 'fs';
import { rssReading } from './readings';
import { describeError, sayOnce } from './problems';
import type { Site } from './frame';

export const TIMELINE_ENV = 'TS_MPROF_TIMELINE';

/** Read once: whether this process is being recorded. */
export const timelineOn: boolean = !!process.env[TIMELINE_ENV];

const MIB = 2 ** 20;

/** One FUNC line, formatted as memory_profiler 0.61 writes it ("%s %.4f %.4f %.4f %.4f %d"). */
export function funcLine(name: string, mem0: number, t0: number, mem1: number, t1: number, level: number): string {
  return `FUNC ${funcName(name)} ${mem0.toFixed(4)} ${t0.toFixed(4)} ${mem1.toFixed(4)} ${t1.toFixed(4)} ${level}\n`;
}

/** mprof splits lines on spaces, so a name may not hold any (`Class.get x` -> `Class.get_x`). */
export function funcName(name: string): string {
  return name.replace(/\s+/g, '_') || '<anonymous>';
}

/** Epoch milliseconds with sub-millisecond digits (mprof writes tenths of a millisecond). */
function now(): number {
  return performance.timeOrigin + performance.now();
}

let fd: number | null | undefined;
let depth = 0;
/** Set while `timed` enters its own call of the wrapper, so that call is not timed twice. */
let skip = false;

/** True when this wrapper call should be timed (false for the re-entry from `timed` itself). */
export function timelineClaim(): boolean {
  if (!skip) return true;
  skip = false;
  return false;
}

/**
 * Runs one profiled call (`call` re-enters the wrapper) between an entry and an exit reading and
 * appends its FUNC line. An async call's line is written when its promise settles. Never changes
 * the call's result or exception.
 */
export function timed(site: Site, thisArg: unknown, call: () => unknown): unknown {
  const mem0 = rssReading();
  const t0 = now();
  const level = depth++;
  let result: unknown;
  skip = true;
  try {
    result = call();
  } catch (error) {
    depth--;
    record(site, thisArg, mem0, t0, level);
    throw error;
  } finally {
    skip = false;
  }
  depth--;
  if (result instanceof Promise) {
    return result.then(
      (value) => {
        record(site, thisArg, mem0, t0, level);
        return value;
      },
      (error: unknown) => {
        record(site, thisArg, mem0, t0, level);
        throw error;
      },
    );
  }
  record(site, thisArg, mem0, t0, level);
  return result;
}

function record(site: Site, thisArg: unknown, mem0: number, t0: number, level: number): void {
  const mem1 = rssReading();
  const t1 = now();
  try {
    if (fd === undefined) fd = fs.openSync(process.env[TIMELINE_ENV]!, 'a');
    if (fd === null) return;
    const name = site.table?.name ?? site.describe(thisArg);
    fs.writeSync(fd, funcLine(name, mem0 / MIB, t0 / 1000, mem1 / MIB, t1 / 1000, level));
  } catch (error) {
    fd = null;
    sayOnce('timeline', `could not write to the timeline file ${process.env[TIMELINE_ENV]}: ${describeError(error)}`);
  }
}
