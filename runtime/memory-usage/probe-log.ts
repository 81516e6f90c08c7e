/**
 * Readings of the probes of profiled calls, kept while `memoryUsage` or `limitMemory` runs a function:
 * the frame hands each reading it takes (entry and each closed interval) to `recording` when it is
 * not null, so the probe pays one null check when nothing records.
 *
 * Recording must not show in the figures it records: readings and times go into preallocated
 * chunks (never copied), and the heap bytes a record itself allocates (a boxed time, more before V8
 * optimises it) are measured and kept out of the increments of 'heap' and 'rss' frames (`unseen`).
 */
import { performance } from 'perf_hooks';
import { recordReadingsInto, unseenFrom, unseenUntil } from '../frame';
import type { Backend } from '../readings';
import { Records } from '../records';

/** Readings per chunk (records.ts): 4096 readings and their times, 64 KB. */
const CHUNK = 4096;

/** The innermost active log (it passes each reading on to the logs it is nested in); null when none records. */
let recording: ProbeLog | null = null;

function setRecording(log: ProbeLog | null): void {
  recording = log;
  recordReadingsInto(log);
}

export class ProbeLog {
  /** [ms from the log's start, reading] per reading kept. */
  private readonly readings = new Records(2, CHUNK);
  /** Highest reading less `own`; -Infinity until the first. */
  peak = -Infinity;
  /** Bytes the profiler keeps on behalf of this log's owner (chunks added meanwhile, kept tables), left out of `peak`. */
  own = 0;
  /** Time origin of `time(k)`: performance.now() when the log started. */
  origin = 0;
  /** The log that was recording when this one started (nested or concurrent calls). */
  private outer: ProbeLog | null = null;

  /** @param backend only readings of this backend are kept (a frame opened before the log may read another). */
  constructor(readonly backend: Backend) {}

  start(): void {
    this.outer = recording;
    setRecording(this);
    this.origin = performance.now();
  }

  /** Stops recording; a log nested in this one that is still running (async) keeps recording. */
  stop(): void {
    if (recording === this) {
      setRecording(this.outer);
      return;
    }
    for (let log = recording; log !== null; log = log.outer) {
      if (log.outer === this) {
        log.outer = this.outer;
        return;
      }
    }
  }

  /** A probe took the reading `raw` with `backend`. Called from Frame: must not allocate unseen. */
  record(raw: number, backend: Backend): void {
    const mark = unseenFrom();
    const now = performance.now();
    for (let log: ProbeLog | null = this; log !== null; log = log.outer) {
      if (log.backend === backend) log.keep(raw, now);
    }
    unseenUntil(mark);
  }

  private keep(raw: number, now: number): void {
    const readings = this.readings;
    if (readings.full) this.own += readings.grow();
    const at = readings.next();
    readings.current[at] = now - this.origin;
    readings.current[at + 1] = raw;
    readings.added();
    const level = raw - this.own;
    if (level > this.peak) this.peak = level;
  }

  /** Readings kept. */
  get length(): number {
    return this.readings.length;
  }

  /** Milliseconds from the log's start to reading `k`. */
  time(k: number): number {
    return this.readings.field(k, 0);
  }

  value(k: number): number {
    return this.readings.field(k, 1);
  }
}
