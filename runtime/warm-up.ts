/**
 * The warm-up: the probe optimised before the first profiled call (or the first with `gc: true`), so
 * that it allocates nothing from the first reading a user sees.
 */
import { Frame, IDLE, line, type Site } from './frame';
import { GcRecorder } from './gc';
import { compileBaselineInForeground, exposeGc, heapReader, heapReading } from './readings';
import type { LineTable } from './types';

let warm = false;
let warmForGc = false;

/**
 * Gets the probe optimised before any profiled call, so it stops allocating: until V8 optimises it,
 * each probe leaves a few boxed numbers behind. Runs batches of probes until two batches in a row
 * allocate nothing (3-20 batches: 10-40 ms of CPU, most of it V8 compiling), at most 200. With
 * `gc: true` (the first time it is used) the same for the probe's other path, which updates the
 * recorder's run at each reading.
 */
export function warmUp(gc = false): void {
  if (gc ? warmForGc : warm) return;
  if (gc) warmForGc = true;
  else warm = true;
  compileBaselineInForeground();
  const table: LineTable = { file: '', name: '', static: false, entry: 1, first: 1, lines: ['', '', '', ''] };
  const site: Site = { own: {}, table, describe: () => '', origin: new Error() };
  const frame = new Frame(site, heapReader());
  // A recorder from the pool, given back after: the first profiled call then records into the very
  // recorder the gc path was optimised with (GcRecorder.take says why that matters).
  const recorder = gc ? GcRecorder.take() : null;
  if (recorder !== null) frame.watchCollections(recorder);
  frame.begin(table);
  let quiet = 0;
  for (let batch = 0; batch < 200 && quiet < 2; batch++) {
    const before = heapReading();
    for (let i = 0; i < 500; i++) {
      // Lines 1, 1, 2, 2, 3, 3...: both paths, a new line's and the running line's.
      line(frame, 1 + ((i >> 1) & 3));
      line(IDLE, 2);
      IDLE.restore(frame.save());
      frame.restore(frame.save());
    }
    quiet = heapReading() - before === 0 ? quiet + 1 : 0;
  }
  frame.end(heapReading());
  if (recorder !== null) {
    recorder.stop();
    GcRecorder.release(recorder);
  }
  collectYoungGarbage();
}

/**
 * The warm-up leaves 0.1-0.8 MB of young garbage, and the program's start-up more: without a
 * scavenge now, the first profiled calls pay for it with a drop on whatever line the next scavenge
 * falls in (an async call's 2 MiB array read 1.4 MiB). A new context for `gc` and a minor collection
 * cost about 3 ms on Node 20-26 (measured on a quiet machine), once.
 */
function collectYoungGarbage(): void {
  try {
    const gc = exposeGc();
    gc({ type: 'minor' });
  } catch {
    // Only a cosmetic loss: one early line may show the warm-up's garbage being freed.
  }
}
