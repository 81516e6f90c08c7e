/**
 * `ts-mprof run --speedscope out.json app.ts`: the reports as a speedscope file
 * (https://www.speedscope.app, its file-format schema), a flame graph of bytes per source line:
 * each profiled method is a frame, each of its source lines a frame under it, weighted by the bytes
 * the line kept (its Increment summed over the calls; with `gc: true`, a second profile weighs by
 * Allocated). Lines that kept nothing, or freed more than they kept, have no weight: a flame graph
 * has no negative widths.
 */
import type { Report } from '../runtime/types';
import { methodTables } from './html';

export interface SpeedscopeFrame {
  name: string;
  file?: string;
  line?: number;
}

export interface SpeedscopeFile {
  $schema: 'https://www.speedscope.app/file-format-schema.json';
  shared: { frames: SpeedscopeFrame[] };
  profiles: Array<{
    type: 'sampled';
    name: string;
    unit: 'bytes';
    startValue: number;
    endValue: number;
    samples: number[][];
    weights: number[];
  }>;
  name: string;
  activeProfileIndex: number;
  exporter: string;
}

export function toSpeedscope(reports: Iterable<Report>, name = 'ts-memory-profiler'): SpeedscopeFile {
  const tables = methodTables(reports);
  const frames: SpeedscopeFrame[] = [];
  const kinds: Array<['increment' | 'allocated', string]> = [['increment', 'bytes kept per line (Increment)']];
  if (tables.some((t) => t.hasAllocated)) kinds.push(['allocated', 'bytes allocated per line (Allocated, gc: true)']);
  const profiles = kinds.map(([, title]) => ({
    type: 'sampled' as const,
    name: title,
    unit: 'bytes' as const,
    startValue: 0,
    endValue: 0,
    samples: [] as number[][],
    weights: [] as number[],
  }));
  for (const table of tables) {
    const method = frames.push({ name: table.name, file: table.file, line: table.rows[0]?.line ?? 1 }) - 1;
    table.rows.forEach((row, i) => {
      if (i === table.entry) return;
      let frame = -1;
      kinds.forEach(([kind], k) => {
        const bytes = row[kind];
        if (bytes === null || bytes <= 0) return;
        if (frame < 0)
          frame = frames.push({ name: `${table.name}:${row.line}  ${row.source.trim()}`, file: table.file, line: row.line }) - 1;
        profiles[k].samples.push([method, frame]);
        profiles[k].weights.push(bytes);
        profiles[k].endValue += bytes;
      });
    });
  }
  return {
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    shared: { frames },
    profiles,
    name,
    activeProfileIndex: 0,
    exporter: `ts-memory-profiler@${require('../../package.json').version}`,
  };
}
