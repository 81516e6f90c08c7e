/**
 * The RSS sampler's thread: reads the process's resident memory every `intervalMs` while the main
 * thread runs the measured function, which keeps the main thread busy (timers cannot fire during a
 * synchronous call). RSS is the whole process's, so another thread can read it; a heap reading could
 * not (each thread sees only its own heap).
 *
 * When the buffer is full, every other sample is dropped and the stride doubles, so a long call keeps
 * samples spread over all of it; the highest reading is kept apart and never dropped.
 */
import { workerData } from 'worker_threads';
import { rssReading } from '../readings';
import { COUNT, FAILED, PEAK, PEAK_TIME, SAMPLING, STATE, STOPPED, hrtimeMs, views } from './rss-sampler-layout';

const { buffer, capacity, intervalMs } = workerData as { buffer: SharedArrayBuffer; capacity: number; intervalMs: number };
const { control, floats, times, values } = views(buffer, capacity);

function sample(): void {
  let count = 0;
  let stride = 1;
  for (let tick = 0; Atomics.load(control, STATE) === SAMPLING; tick++) {
    const bytes = rssReading();
    const time = hrtimeMs();
    if (bytes > floats[PEAK]) {
      floats[PEAK] = bytes;
      floats[PEAK_TIME] = time;
    }
    if (tick % stride === 0) {
      if (count === capacity) {
        for (let i = 0; i < capacity / 2; i++) {
          times[i] = times[2 * i];
          values[i] = values[2 * i];
        }
        count = capacity / 2;
        stride *= 2;
      }
      if (tick % stride === 0) {
        times[count] = time;
        values[count] = bytes;
        count++;
        Atomics.store(control, COUNT, count);
      }
    }
    Atomics.wait(control, STATE, SAMPLING, intervalMs);
  }
}

try {
  rssReading();
  Atomics.store(control, STATE, SAMPLING);
  Atomics.notify(control, STATE);
  sample();
  Atomics.store(control, STATE, STOPPED);
} catch {
  Atomics.store(control, STATE, FAILED);
}
Atomics.notify(control, STATE);
