/**
 * A growable list of fixed-size records of numbers, for what the profiler keeps while a call runs
 * (gc.ts's drops, memory-usage/probe-log.ts's readings): chunks that are never copied, so growing
 * leaves no garbage in the interval being measured, and writing a record allocates nothing.
 *
 * The writer fills the record at `current[next()]` (its `fields` numbers), then calls `added()`;
 * when `full`, it calls `grow()` first, which returns the bytes the new chunk took so that the owner
 * can keep them out of its figures.
 */
import { heapReading } from './readings';

export class Records {
  private readonly chunks: Float64Array[];
  /** The chunk being filled. */
  current: Float64Array;
  /** Records in `current`. */
  private used = 0;
  /** Records kept. */
  length = 0;

  /**
   * @param fields numbers per record
   * @param perChunk records per chunk
   */
  constructor(
    readonly fields: number,
    readonly perChunk: number,
  ) {
    this.current = new Float64Array(fields * perChunk);
    this.chunks = [this.current];
  }

  /** The last record filled the chunk: `grow` before the next one. */
  get full(): boolean {
    return this.used === this.perChunk;
  }

  /** A new chunk for the next records; the heap bytes it took (the used heap plus external memory). */
  grow(): number {
    const before = heapReading();
    this.current = new Float64Array(this.fields * this.perChunk);
    this.chunks.push(this.current);
    this.used = 0;
    return heapReading() - before;
  }

  /** Offset in `current` of the next record's first number (there is room: see `full`). */
  next(): number {
    return this.used * this.fields;
  }

  /** The record at `next()` is written. */
  added(): void {
    this.used++;
    this.length++;
  }

  /** Number `f` of record `k`. */
  field(k: number, f: number): number {
    return this.chunks[(k / this.perChunk) | 0][(k % this.perChunk) * this.fields + f];
  }

  /** Empty again, for another call: the first chunk is kept, the others left to the collector. */
  clear(): void {
    this.chunks.length = 1;
    this.current = this.chunks[0];
    this.used = 0;
    this.length = 0;
  }
}
