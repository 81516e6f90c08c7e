// Memory over time: three profiled steps that build, copy and drop data at a pace a sampler can see.
// Usage: ts-mprof run --timeline -- node examples/out/timeline.js   then   ts-mprof plot
import { configure, profile } from 'ts-memory-profiler';

// The line-by-line tables are not the point here: keep stdout quiet.
configure({ stream: { write: () => true } });

/** Blocks the thread for ms milliseconds (a stand-in for real work between allocations). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

class Pipeline {
  @profile
  load(chunks: number): Float64Array[] {
    const rows: Float64Array[] = [];
    for (let i = 0; i < chunks; i++) {
      rows.push(new Float64Array(1_000_000).fill(i)); // 7.6 MiB, touched
      pause(60);
    }
    return rows;
  }

  @profile
  transform(rows: Float64Array[]): Float64Array[] {
    const out: Float64Array[] = [];
    for (const row of rows) {
      const copy = new Float64Array(row);
      copy[0] *= 2;
      out.push(copy);
      pause(30);
    }
    return out;
  }

  @profile
  summarize(rows: Float64Array[]): number {
    let total = 0;
    for (const row of rows) total += row[0];
    pause(200);
    return total;
  }
}

const pipeline = new Pipeline();
pause(300);
let rows: Float64Array[] | null = pipeline.load(10);
pause(300);
const doubled = pipeline.transform(rows);
rows = null;
pause(300);
console.log('total', pipeline.summarize(doubled));
pause(300);
