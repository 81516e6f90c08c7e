/**
 * Memory readings, one per backend. None of them allocates on the heap once warm (see warmUp in
 * frame.ts, which gets the probe optimised before first use).
 *
 * - 'heap': V8 used heap + external memory (ArrayBuffers, Buffers), ~190 ns: see heapReader below.
 * - 'rss': the process's resident memory, like memory_profiler's default: a pre-opened
 *   /proc/self/statm read where it exists (~1.5-2.5 µs), process.memoryUsage.rss() elsewhere (~8 µs).
 * - 'exact': full garbage collections, then what is live (liveBytes below): retained bytes, the same
 *   from run to run; milliseconds per reading.
 */
import * as fs from 'fs';
import { getHeapCodeStatistics, getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

export type Backend = 'heap' | 'rss' | 'exact';

// ---- heap ---------------------------------------------------------------------------------------

/**
 * The public reading: `v8.getHeapStatistics()` fills Node's statistics buffer (a Float64Array) from
 * V8, then copies it into a new 14-field object. Optimised, V8 11.3 (Node 20) and 14.x (Node 26)
 * turn that object into registers; V8 12.4 and 13.6 (Node 22 and 24) do not: escape analysis leaves
 * the object and its 14 boxed numbers (360 bytes a call, 224 even when the result is unused), which
 * is what a probe would then read as the lines' allocations.
 */
function statisticsReading(): number {
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

/** What `getHeapStatistics` reads through: Node's internal v8 binding (lib/v8.js keeps it in its closure). */
interface StatisticsBinding {
  heapStatisticsBuffer: Float64Array;
  updateHeapStatisticsBuffer: () => void;
  kUsedHeapSizeIndex: number;
  kExternalMemoryIndex: number;
}

const CARRIER = Symbol.for('ts-memory-profiler.v8-binding');

/**
 * Node's v8 binding, taken from the closure of `getHeapStatistics` through an in-process inspector
 * session (no port, nothing printed; `process.binding('v8')` is gone from Node 24 and warns on 20/22).
 * Null where the inspector is missing or refuses (a build without it, the permission model) or the
 * binding is not the expected one.
 */
function statisticsBinding(): StatisticsBinding | null {
  let session: import('inspector').Session | undefined;
  try {
    const inspector = require('inspector') as typeof import('inspector');
    session = new inspector.Session();
    session.connect();
    const s = session;
    // Main-thread sessions answer synchronously, inside post().
    const post = (method: string, params: object): any => {
      let answer: any;
      let failure: unknown;
      s.post(method, params, (error, result) => {
        failure = error;
        answer = result;
      });
      if (failure || answer === undefined) throw failure ?? new Error(`${method}: no answer`);
      return answer;
    };
    const fn = post('Runtime.evaluate', { expression: "process.getBuiltinModule('v8').getHeapStatistics" }).result;
    const scopes = post('Runtime.getProperties', { objectId: fn.objectId, ownProperties: true }).internalProperties?.find(
      (p: { name: string }) => p.name === '[[Scopes]]',
    );
    if (!scopes?.value?.objectId) return null;
    for (const scope of post('Runtime.getProperties', { objectId: scopes.value.objectId, ownProperties: true }).result) {
      if (!scope.value?.objectId) continue;
      const found = post('Runtime.getProperties', { objectId: scope.value.objectId, ownProperties: true }).result.find(
        (v: { name: string }) => v.name === 'binding',
      );
      if (!found?.value?.objectId) continue;
      post('Runtime.callFunctionOn', {
        objectId: found.value.objectId,
        functionDeclaration: `function () { process[Symbol.for(${JSON.stringify(CARRIER.description)})] = this; }`,
      });
      const binding = (process as any)[CARRIER] as StatisticsBinding | undefined;
      return binding && usable(binding) ? binding : null;
    }
    return null;
  } catch {
    return null;
  } finally {
    delete (process as any)[CARRIER];
    try {
      session?.disconnect();
    } catch {
      // Already gone.
    }
  }
}

/** The binding is what getHeapStatistics reads: after a call of it, the buffer holds its figures. */
function usable(b: StatisticsBinding): boolean {
  const { heapStatisticsBuffer: buffer, updateHeapStatisticsBuffer: update, kUsedHeapSizeIndex: used, kExternalMemoryIndex: external } = b;
  if (!(buffer instanceof Float64Array) || typeof update !== 'function') return false;
  if (
    !Number.isInteger(used) ||
    !Number.isInteger(external) ||
    used < 0 ||
    external < 0 ||
    used >= buffer.length ||
    external >= buffer.length
  )
    return false;
  const h = getHeapStatistics();
  return buffer[used] === h.used_heap_size && buffer[external] === h.external_memory;
}

/**
 * The same figures without the object: fill the buffer, add two of its numbers. Allocation-free on
 * every version, and a little cheaper than getHeapStatistics() even where that one is (no 14-field
 * object to build). The bindings are consts of this closure, so V8 inlines the reading with them as
 * constants.
 */
function bufferReading(b: StatisticsBinding): () => number {
  const buffer = b.heapStatisticsBuffer;
  const update = b.updateHeapStatisticsBuffer;
  const used = b.kUsedHeapSizeIndex;
  const external = b.kExternalMemoryIndex;
  return function heapReading(): number {
    update();
    return buffer[used] + buffer[external];
  };
}

let chosen: (() => number) | undefined;
let chosenKind: 'buffer' | 'statistics' | undefined;

/** Which heap reading this process uses: 'buffer' (Node's statistics buffer) or 'statistics' (getHeapStatistics()). */
export function heapReadingKind(): 'buffer' | 'statistics' {
  heapReader();
  return chosenKind!;
}

/**
 * The 'heap' backend's reading, chosen on first use (the first `@profile`, not at load: finding the
 * binding takes a few ms): the buffer reading wherever the binding is found, getHeapStatistics()
 * otherwise (allocation-free on Node 20 and 26 only).
 */
export function heapReader(): () => number {
  if (chosen === undefined) {
    const binding = statisticsBinding();
    chosen = binding ? bufferReading(binding) : statisticsReading;
    chosenKind = binding ? 'buffer' : 'statistics';
  }
  return chosen;
}

/** One heap reading, off the probe's path (the probe calls its frame's reader, heapReader()). */
export function heapReading(): number {
  return (chosen ?? heapReader())();
}

// ---- rss ----------------------------------------------------------------------------------------

let statm: { fd: number; buffer: Buffer; pageSize: number } | null | undefined;

/** Resident pages, the second number of /proc/self/statm, parsed without making a string. */
function statmPages(fd: number, buffer: Buffer): number {
  const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
  let i = 0;
  while (i < n && buffer[i] !== 0x20) i++;
  let pages = 0;
  for (i++; i < n; i++) {
    const digit = buffer[i] - 0x30;
    if (digit < 0 || digit > 9) break;
    pages = pages * 10 + digit;
  }
  return pages;
}

function openStatm(): typeof statm {
  try {
    const fd = fs.openSync('/proc/self/statm', 'r');
    const buffer = Buffer.alloc(128);
    const pages = statmPages(fd, buffer);
    // Node does not say the page size; RSS in bytes over RSS in pages does (a power of two).
    const pageSize = 2 ** Math.round(Math.log2(process.memoryUsage.rss() / pages));
    return pages > 0 && pageSize >= 1024 ? { fd, buffer, pageSize } : null;
  } catch {
    return null;
  }
}

export function rssReading(): number {
  if (statm === undefined) statm = openStatm();
  if (statm) {
    try {
      return statmPages(statm.fd, statm.buffer) * statm.pageSize;
    } catch {
      // The descriptor was closed under us (a program closing every fd): read RSS the slow way.
      statm = null;
    }
  }
  return process.memoryUsage.rss();
}

// ---- exact --------------------------------------------------------------------------------------

type Gc = (options?: { type?: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;
let exposedGc: Gc | undefined;

/** V8's `gc()` without asking the user for --expose-gc: set the flag, take it from a fresh context, unset it. */
export function exposeGc(): Gc {
  if (exposedGc) return exposedGc;
  setFlagsFromString('--expose-gc');
  try {
    exposedGc = runInNewContext('gc') as Gc;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  return exposedGc;
}

let finishing: (() => void) | undefined;

/**
 * V8's `%FinalizeOptimization()`: waits for the optimizing compilers' background jobs (TurboFan, and
 * Maglev on Node 22+) and installs what they made, as the main thread would at its next check. A job
 * in flight during a collection holds up to ~250 KB that is neither the program's nor V8's code yet,
 * gone a collection or two later: without this, the seed's list line (80 KB at 1e4) read 12%-347% of
 * its size and below the generator's line in 2 of 20 fresh processes (Node 20); with it, 113%-127%,
 * and `--no-concurrent-recompilation` gives the same figures. Made like exposeGc, from source parsed
 * with natives syntax on; a no-op where the V8 refuses it.
 */
function finishCompiling(): () => void {
  if (finishing) return finishing;
  try {
    setFlagsFromString('--allow-natives-syntax');
    finishing = runInNewContext('(function finishCompiling() { %FinalizeOptimization(); })') as () => void;
    finishing();
  } catch {
    finishing = () => {};
  } finally {
    setFlagsFromString('--no-allow-natives-syntax');
  }
  return finishing;
}

/** V8's spaces for compiled code and its trusted metadata (V8 12 on, Node 22+), by their names in getHeapSpaceStatistics(). */
const COMPILED_SPACES = new Set([
  'code_space',
  'code_large_object_space',
  'trusted_space',
  'trusted_large_object_space',
  'shared_trusted_space',
  'shared_trusted_large_object_space',
]);

/**
 * Live bytes, for the modes that collect ('exact', `peak: true`): the optimizing compilers' jobs
 * finished, two full collections (three on Node 20, below), then the used heap plus external
 * memory, less V8's compiled code and bytecode.
 *
 * - Two collections: V8 releases a freed ArrayBuffer's memory (Buffers, typed arrays) when its
 *   sweeping ends, which the next collection waits for, and a temporary V8 itself still points at
 *   during a collection (the array `join` worked on) is freed by the next one. Without the second, a
 *   `buf = null` line read -0.0 and the line after it -10 MiB, and a join line 8 MB too much.
 * - The used heap is the lower of getHeapStatistics().used_heap_size and the sum of
 *   getHeapSpaceStatistics()' used sizes, read together. Each over-counts now and then right after
 *   the collections, by a few hundred KB that are gone at the next reading: used_heap_size on Node
 *   24 and 26 (130-430 KB; a generator line read 0.4 MiB of Peak for nothing, 1 run in 8), the
 *   spaces' sum on Node 20 (~148 KB every other reading: 'exact' lines that allocate nothing read
 *   +-145 KB in turn).
 * - Less V8's compiled code: what V8 compiles as a line first runs or gets hot, and drops again, up
 *   to a few hundred KB with no relation to the line's data. From Node 22 on it all lives in spaces
 *   of its own, which hold nothing of the program: code and trusted spaces (bytecode, deoptimization
 *   data, the optimizing compilers' other metadata), left out whole. getHeapCodeStatistics() counts
 *   less than they hold: a first call's 1e6-character `join` (1,000,016 B) read 1,014,144-1,015,206
 *   B on Node 26, its callback's optimized code leaving 4.6 KB in trusted space that the statistics
 *   do not count, and 7.5 KB more where the used heap was read. On Node 20 bytecode and code's
 *   metadata share old space with the program's objects: there the statistics are subtracted
 *   (~0.4 ms a reading).
 *
 * The one function for "live bytes after full collections": 'exact' reads with it, the Peak column
 * collects with it, and any other figure that needs settled memory should call it.
 */
export function liveBytes(): number {
  finishCompilerJobs();
  const apart = codeApart();
  // Node 20 only: after two collections its old space can read ~110-240 KB above what is live, the
  // used heap and the spaces' sum alike (a warm call's loop of 1e5 small objects, 4.12 MB: up to
  // 4,353,824 B in 4 of 8 processes). A third collection sets it right (8 of 8 within 0.2%).
  fullCollections(apart ? 2 : 3);
  const heap = getHeapStatistics();
  let spaces = 0;
  let compiled = 0;
  for (const space of getHeapSpaceStatistics()) {
    spaces += space.space_used_size;
    if (COMPILED_SPACES.has(space.space_name)) compiled += space.space_used_size;
  }
  const used = Math.min(heap.used_heap_size, spaces) + heap.external_memory;
  if (apart) return used - compiled;
  const code = getHeapCodeStatistics();
  return used - code.code_and_metadata_size - code.bytecode_and_metadata_size;
}

let apartKnown: boolean | undefined;
/** Whether this V8 keeps compiled code and its metadata in spaces of their own (a trusted space: Node 22+). */
function codeApart(): boolean {
  return (apartKnown ??= getHeapSpaceStatistics().some((space) => space.space_name === 'trusted_space'));
}

/**
 * Waits for the optimizing compilers' background jobs (see finishCompiling), for every mode that
 * collects, before its collections (not timed as theirs: it happens once per job, and the job would
 * have taken that time on its own thread anyway). A job in flight during a first call's entry
 * collections kept ~180 KB alive that the collection closing its call line freed, into that line:
 * with the first report's stream made inside it too (call.ts, open), the recursion's call line read
 * 518-829 KB for its 800,048 B in 30 processes (Node 20); 774-786 KB in 39 of 40 with both (one 719).
 */
export function finishCompilerJobs(): void {
  (finishing ?? finishCompiling())();
}

/**
 * Full collections in a row, two unless told (liveBytes makes three on Node 20), for every mode that
 * collects (liveBytes, the default's settling): the second releases the memory of ArrayBuffers the
 * first freed, and temporaries V8 itself still pointed at during the first (see liveBytes).
 */
export function fullCollections(times = 2): void {
  const gc = exposedGc ?? exposeGc();
  for (let i = 0; i < times; i++) gc();
}

/** Makes liveBytes ready (call it before the first): the gc, the compilers' finisher, no bytecode flushing. */
export function settleReady(): void {
  holdBytecode();
  exposeGc();
  finishCompiling();
}

export function exactReading(): number {
  return liveBytes();
}

let holding = false;

/**
 * For the modes that force collections ('exact', `peak: true`): V8 throws away the bytecode of a
 * function that has not run for a few collections, so forced collections made the readings drop now
 * and then by what was flushed (-1% on an 8 MB line). Off for the rest of the process: a program's
 * unused bytecode then stays, as it would without the forced collections.
 */
export function holdBytecode(): void {
  if (holding) return;
  holding = true;
  setFlagsFromString('--no-flush-bytecode');
}

let foreground = false;

/**
 * V8 12.x+ on Node 24 and 26 compiles baseline (Sparkplug) code on a background thread
 * (`--concurrent-sparkplug`, off by default on Node 20 and 22). That thread allocates the code in the
 * heap through a buffer of its own, which the heap's used size counts whole from when it is taken until
 * it is given back: a warm call of a loop that allocates nothing read +/-100-400 KB on one line (with no
 * collection and no compile of its own) whenever the code of something that ran between the calls (the
 * report's) was being compiled meanwhile. Compiled on the main thread, as on Node 20 and 22, that work
 * happens where it is started, outside the profiled lines. Sparkplug compiles in microseconds; nothing
 * else changes. Set once, at the first `@profile`.
 */
export function compileBaselineInForeground(): void {
  if (foreground) return;
  foreground = true;
  try {
    setFlagsFromString('--no-concurrent-sparkplug');
  } catch {
    // A V8 without the flag: nothing to keep in the foreground.
  }
}

export function readerFor(backend: Backend): () => number {
  if (backend === 'rss') return rssReading;
  if (backend === 'exact') {
    settleReady();
    return exactReading;
  }
  return heapReader();
}
