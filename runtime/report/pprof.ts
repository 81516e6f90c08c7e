/**
 * `toPprof(reports)`: line-by-line reports as a pprof profile (gzipped protobuf), so that
 * `go tool pprof -list Class.method out.pb.gz` shows each method's source annotated with its figures,
 * and `-top` ranks its lines. Encoded with the `pprof-format` package, loaded on first use.
 *
 * The shape: one Function per profiled method (name `Class.method`, the report's file, its first
 * line), one Location per source line of it (a single Line: that function, that line number), and one
 * Sample per line that ran, whose stack is that one Location. Reports of the same method are summed
 * first (as `aggregate: true` sums them). The sample types, in this order:
 *
 *   increment/bytes     the line's Increment, summed over the calls (negative when it freed)
 *   occurrences/count   the line's Occurrences, summed
 *   allocated/bytes     with `gc: true`: Allocated, summed               (only when a report has it)
 *   peak/bytes          with `peak: true`: Peak, the largest over calls  (only when a report has it)
 *
 * The `@profile` row (a method's first row that ran) gives the number of calls as occurrences and no
 * bytes: its Increment in the table is the entry reading, memory that was there before the call, not
 * a cost of the line (memory_profiler's convention for that row).
 */
import { gzipSync } from 'zlib';
import type { Report, ReportLine } from '../types';

/** A line of a report that may carry a Peak figure (the `peak` option adds `peakBytes`). */
type LineWithPeak = ReportLine & { peakBytes?: number | null };

/** One method's summed figures, per line number. */
interface MethodTotal {
  file: string;
  name: string;
  first: number;
  lines: Map<number, { increment: number; occurrences: number; allocated: number | null; peak: number | null }>;
}

/** Sums reports per method (file and name) and per line; keeps what a profile needs, not the reports. */
export class PprofTotals {
  private readonly methods = new Map<string, MethodTotal>();
  hasAllocated = false;
  hasPeak = false;

  add(report: Report): void {
    const key = `${report.file}\0${report.name}`;
    let method = this.methods.get(key);
    if (method === undefined) {
      method = { file: report.file, name: report.name, first: report.lines[0]?.line ?? 0, lines: new Map() };
      this.methods.set(key, method);
    }
    const entry = report.lines.findIndex((l) => l.memBytes !== null);
    report.lines.forEach((raw, i) => {
      const line = raw as LineWithPeak;
      if (line.occurrences === 0 && line.incrementBytes === null) return;
      let total = method!.lines.get(line.line);
      if (total === undefined) method!.lines.set(line.line, (total = { increment: 0, occurrences: 0, allocated: null, peak: null }));
      total.occurrences += line.occurrences;
      if (i === entry) return;
      total.increment += line.incrementBytes ?? 0;
      if (line.allocatedBytes !== undefined) {
        this.hasAllocated = true;
        if (line.allocatedBytes !== null) total.allocated = (total.allocated ?? 0) + line.allocatedBytes;
      }
      if (line.peakBytes !== undefined) {
        this.hasPeak = true;
        if (line.peakBytes !== null) total.peak = Math.max(total.peak ?? -Infinity, line.peakBytes);
      }
    });
  }

  get size(): number {
    return this.methods.size;
  }

  /** The profile, gzipped (what `go tool pprof` and most readers expect). */
  encode(): Buffer {
    const { Function, Line, Location, Mapping, Profile, Sample, StringTable, ValueType } =
      require('pprof-format') as typeof import('pprof-format');
    const strings = new StringTable();
    const type = (name: string, unit: string) => new ValueType({ type: strings.dedup(name), unit: strings.dedup(unit) });
    const sampleType = [type('increment', 'bytes'), type('occurrences', 'count')];
    if (this.hasAllocated) sampleType.push(type('allocated', 'bytes'));
    if (this.hasPeak) sampleType.push(type('peak', 'bytes'));
    // Functions, file names and line numbers are all here: a reader has nothing to symbolize.
    const mapping = new Mapping({
      id: 1,
      filename: strings.dedup('ts-memory-profiler'),
      hasFunctions: true,
      hasFilenames: true,
      hasLineNumbers: true,
    });
    const functions: InstanceType<typeof Function>[] = [];
    const locations: InstanceType<typeof Location>[] = [];
    const samples: InstanceType<typeof Sample>[] = [];
    for (const method of this.methods.values()) {
      const fn = new Function({
        id: functions.length + 1,
        name: strings.dedup(method.name),
        systemName: strings.dedup(method.name),
        filename: strings.dedup(method.file),
        startLine: method.first,
      });
      functions.push(fn);
      for (const [lineNumber, total] of [...method.lines].sort((a, b) => a[0] - b[0])) {
        const location = new Location({
          id: locations.length + 1,
          mappingId: mapping.id,
          line: [new Line({ functionId: fn.id, line: lineNumber })],
        });
        locations.push(location);
        const value = [total.increment, total.occurrences];
        if (this.hasAllocated) value.push(total.allocated ?? 0);
        if (this.hasPeak) value.push(total.peak ?? 0);
        samples.push(new Sample({ locationId: [location.id], value }));
      }
    }
    const profile = new Profile({
      sampleType,
      sample: samples,
      mapping: [mapping],
      location: locations,
      function: functions,
      stringTable: strings,
      timeNanos: BigInt(Date.now()) * 1_000_000n,
      defaultSampleType: strings.dedup('increment'),
    });
    return gzipSync(profile.encode());
  }
}

/** The reports (objects from `onReport`, or parsed `format: 'json'` lines) as a gzipped pprof profile. */
export function toPprof(reports: Iterable<Report>): Buffer {
  if (reports === null || typeof (reports as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] !== 'function') {
    throw new TypeError('ts-memory-profiler: toPprof(reports) takes an array of reports');
  }
  const totals = new PprofTotals();
  for (const report of reports) {
    if (typeof report !== 'object' || report === null || !Array.isArray(report.lines) || typeof report.name !== 'string') {
      throw new TypeError('ts-memory-profiler: toPprof(reports): each report must be a report object (from onReport or format: json)');
    }
    totals.add(report);
  }
  return totals.encode();
}
