/**
 * The shared memory of the RSS sampler, as both threads see it. Control words (Int32Array):
 * the state, the number of samples kept. Then a Float64Array: the highest reading and its time, and
 * `capacity` times and `capacity` readings. Times are milliseconds on process.hrtime's clock, which
 * both threads share.
 */
export const STATE = 0;
export const COUNT = 1;
export const CONTROL_WORDS = 4;

export const STARTING = 0;
/** The worker took its first sample and samples until the state changes. */
export const SAMPLING = 1;
/** The main thread asks it to stop. */
export const STOPPING = 2;
/** It stopped: nothing writes the buffer any more. */
export const STOPPED = 3;
/** It could not start (no reading); nothing was written. */
export const FAILED = 4;

export const PEAK = 0;
export const PEAK_TIME = 1;
export const HEADER_FLOATS = 2;

export function bufferBytes(capacity: number): number {
  return CONTROL_WORDS * 4 + (HEADER_FLOATS + 2 * capacity) * 8;
}

export function views(buffer: SharedArrayBuffer, capacity: number) {
  const floats = new Float64Array(buffer, CONTROL_WORDS * 4);
  return {
    control: new Int32Array(buffer, 0, CONTROL_WORDS),
    floats,
    times: floats.subarray(HEADER_FLOATS, HEADER_FLOATS + capacity),
    values: floats.subarray(HEADER_FLOATS + capacity, HEADER_FLOATS + 2 * capacity),
  };
}

export function hrtimeMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
