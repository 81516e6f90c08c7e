/**
 * The main thread's side of the RSS sampler: starts the sampling thread and waits (blocking) until
 * it samples, so the measured call starts only once it is watched; after the call, stops it and
 * takes its samples. Between `start` and `stop` the main thread allocates nothing: the threads
 * talk through a SharedArrayBuffer and Atomics only.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { COUNT, FAILED, PEAK, PEAK_TIME, SAMPLING, STARTING, STATE, STOPPED, STOPPING, bufferBytes, views } from './rss-sampler-layout';

/** Samples kept at most (1 MB of shared memory); a longer call keeps every 2nd, 4th, ... sample. */
const CAPACITY = 1 << 16;
/** How long to wait for the thread to start before measuring without it. */
const START_TIMEOUT_MS = 5_000;

export interface RssSamples {
  /** Times on the hrtime clock, in milliseconds, and readings in bytes, in time order. */
  times: number[];
  values: number[];
  /** The highest reading the thread took (kept even if its sample was thinned out); -Infinity if none. */
  peak: number;
  peakTime: number;
}

export class RssSampler {
  private readonly buffer = new SharedArrayBuffer(bufferBytes(CAPACITY));
  private readonly view = views(this.buffer, CAPACITY);
  private worker: Worker | undefined;

  /** Starts the thread and waits until it samples. False (and no thread) if it did not start in time. */
  start(intervalSeconds: number): boolean {
    const { control, floats } = this.view;
    floats[PEAK] = -Infinity;
    // A bundle without the worker's file would fail only inside the thread, after the whole wait.
    const file = path.join(__dirname, 'rss-sampler-worker.js');
    if (!fs.existsSync(file)) throw new Error(`${file} is missing`);
    this.worker = new Worker(file, {
      workerData: { buffer: this.buffer, capacity: CAPACITY, intervalMs: intervalSeconds * 1000 },
      stdout: true,
      stderr: true,
    });
    this.worker.unref();
    // Its errors arrive as events after the call; the samples say all there is to say.
    this.worker.on('error', () => undefined);
    Atomics.wait(control, STATE, STARTING, START_TIMEOUT_MS);
    if (Atomics.load(control, STATE) === SAMPLING) return true;
    this.discard();
    return false;
  }

  /** Stops the thread (waiting the few microseconds of a reading in progress) and returns its samples. */
  stop(): RssSamples {
    const { control, floats, times, values } = this.view;
    if (Atomics.compareExchange(control, STATE, SAMPLING, STOPPING) === SAMPLING) {
      Atomics.notify(control, STATE);
      Atomics.wait(control, STATE, STOPPING, START_TIMEOUT_MS);
    }
    // A thread that did not stop in time may still be writing: then its samples are not trusted.
    const state = Atomics.load(control, STATE);
    const count = state === STOPPED || state === FAILED ? Atomics.load(control, COUNT) : 0;
    const result: RssSamples = {
      times: Array.from(times.subarray(0, count)),
      values: Array.from(values.subarray(0, count)),
      peak: floats[PEAK],
      peakTime: floats[PEAK_TIME],
    };
    this.discard();
    return result;
  }

  private discard(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
