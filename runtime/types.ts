/**
 * Shapes shared by the runtime's modules and by the code the transformer emits.
 */

/** What the transformer records about one instrumented method (emitted next to the class). */
export interface LineTable {
  /** The `.ts` source file: absolute when found from the emitted module's location, else relative to the project directory. */
  readonly file: string;
  /** `Class.method`, `Class.#method`, `Class.get x`, `<anonymous>.method`. */
  readonly name: string;
  /** Property key for reflect-metadata; absent for `#private` members and computed keys. */
  readonly key?: string;
  /** True for `static` members (metadata then goes on the constructor). */
  readonly static: boolean;
  /**
   * An async method or function: its body's end (`__leave`), not the wrapper's return, ends the call,
   * and code not its own runs while it awaits (the default backend's collections then stop: settle.ts).
   */
  readonly async?: boolean;
  /** `/** @profile {precision: 4} *\/` on a function declaration: its options. */
  readonly options?: Readonly<ProfileOptions>;
  /** Line of the `@profile` decorator: the entry reading is charged there. */
  readonly entry: number;
  /** Line of the member's first decorator: the first row of the report. */
  readonly first: number;
  /** Source lines from `first` to the closing brace, verbatim. */
  readonly lines: readonly string[];
}

/** Anything with a `write(string)` method: `process.stdout`, a file stream, a test's collector. */
export interface ReportStream {
  write(text: string): unknown;
}

export interface ReportLine {
  line: number;
  source: string;
  /** How many times work on this line started (probes that named it) in this call. */
  occurrences: number;
  /** Largest reading that closed one of the line's intervals; null when the line never ran. */
  memBytes: number | null;
  /** Sum of the line's intervals (reading at the end minus the reading before); null when it never ran. */
  incrementBytes: number | null;
  /** With `gc: true`: bytes the line allocated, garbage collected inside it included (increment + GC freed). */
  allocatedBytes?: number | null;
  /** With `gc: true`: bytes that garbage collections inside the line's intervals freed. */
  gcFreedBytes?: number | null;
  /**
   * With `peak: true`: the most live bytes reached while the line's work ran, above the live bytes
   * when it started (the `@profile` row: the call's, above its entry); null when not measured.
   */
  peakBytes?: number | null;
  /**
   * Default backend: how many full collections the profiler made in the line's intervals (the
   * `@profile` row: at the call's entry), so that its Increment counts what stays; absent where none ran.
   */
  collections?: number;
}

export interface Report {
  /** The source file, relative to the working directory when inside it. */
  file: string;
  name: string;
  precision: number;
  /** Which reading the figures come from: see the `backend` option. */
  backend: 'heap' | 'rss' | 'exact';
  lines: ReportLine[];
}

export interface ProfileOptions {
  /** Digits after the decimal point of the MiB figures, an integer from 0 to 10 (default 1). */
  precision?: number;
  /** Where reports are written (default `process.stdout`). */
  stream?: ReportStream;
  /** `'text'`: memory_profiler's table (default); `'json'`: one JSON object per line. */
  format?: 'text' | 'json';
  /** Also receives each report as an object, after it was written to the stream. */
  onReport?: (report: Report) => void;
  /** `false` runs the method as if it were not decorated (default true). */
  enabled?: boolean;
  /**
   * What a reading is: `'heap'` (default) V8 used heap + external memory; `'rss'` the process's
   * resident memory, like memory_profiler; `'exact'` a full GC before each reading, so each figure
   * is retained bytes, the same from run to run (slow: milliseconds per reading).
   */
  backend?: 'heap' | 'rss' | 'exact';
  /**
   * Adds the columns Allocated and GC freed: what each line allocated, garbage collected inside it
   * included, and what collections inside it freed (see README: how exact they are).
   */
  gc?: boolean;
  /**
   * Like `python -m memory_profiler`: instead of one report per call, one per method when the process
   * exits, summed over all its calls (Mem usage: the largest; Increment and Occurrences: the sums).
   */
  aggregate?: boolean;
  /**
   * A file to write a pprof profile of every report to, when the process exits (summed per method and
   * line: see `toPprof`). `go tool pprof -list Class.method FILE` shows the annotated source.
   */
  pprof?: string;
  /**
   * Adds the column Peak: per line, the most live memory (garbage not counted) reached while the
   * line's work ran, above the live memory when it started. Costs full collections (see README).
   */
  peak?: boolean;
}
