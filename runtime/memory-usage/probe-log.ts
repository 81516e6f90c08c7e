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

/** Entries per chunk: 4096 readings, 64 KB. */
const CHUNK = 4096;

/** The innermost active log (it passes each reading on to the logs it is nested in); null when none records. */
let recording: ProbeLog | null = null;

function setRecording(log: ProbeLog | null): void {
  recording = log;
  recordReadingsInto(log);
}

export class ProbeLog {
  private readonly times: Float64Array[] = [new Float64Array(CHUNK)];
  private readonly values: Float64Array[] = [new Float64Array(CHUNK)];
  length = 0;
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
    const k = this.length;
    const chunk = (k / CHUNK) | 0;
    if (chunk === this.times.length) {
      this.times.push(new Float64Array(CHUNK));
      this.values.push(new Float64Array(CHUNK));
      this.own += 2 * 8 * CHUNK;
    }
    this.times[chunk][k % CHUNK] = now - this.origin;
    this.values[chunk][k % CHUNK] = raw;
    this.length = k + 1;
    const level = raw - this.own;
    if (level > this.peak) this.peak = level;
  }

  /** Milliseconds from the log's start to reading `k`. */
  time(k: number): number {
    return this.times[(k / CHUNK) | 0][k % CHUNK];
  }

  value(k: number): number {
    return this.values[(k / CHUNK) | 0][k % CHUNK];
  }
}
