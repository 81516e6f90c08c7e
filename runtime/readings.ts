/**
 * Memory readings, one per backend. None of them allocates on the heap once warm (the heap reading
 * needs its caller optimised for that: see warmUp in frame.ts).
 *
 * - 'heap': V8 used heap + external memory (ArrayBuffers, Buffers), ~190 ns.
 * - 'rss': the process's resident memory, like memory_profiler's default: a pre-opened
 *   /proc/self/statm read where it exists (~1.5-2.5 µs), process.memoryUsage.rss() elsewhere (~8 µs).
 * - 'exact': a full garbage collection, then the heap reading: retained bytes, the same from run to
 *   run; milliseconds per reading.
 */
import * as fs from 'fs';
import { getHeapStatistics, setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

export type Backend = 'heap' | 'rss' | 'exact';
export const BACKENDS: readonly Backend[] = ['heap', 'rss', 'exact'];

export function heapReading(): number {
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory;
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

/**
 * Two full collections: V8 releases a freed ArrayBuffer's memory (Buffers, typed arrays) when its
 * sweeping ends, which the next collection waits for, and a temporary V8 itself still points at
 * during a collection (the array `join` worked on) is freed by the next one. Without the second, a
 * `buf = null` line read -0.0 and the line after it -10 MiB, and a join line 8 MB too much. (A minor
 * collection as the second one does the former, but makes the next reading ~170 KB higher every
 * other time.)
 */
export function exactReading(): number {
  exposedGc!();
  exposedGc!();
  return heapReading();
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

export function readerFor(backend: Backend): () => number {
  if (backend === 'rss') return rssReading;
  if (backend === 'exact') {
    holdBytecode();
    exposeGc();
    return exactReading;
  }
  return heapReading;
}
