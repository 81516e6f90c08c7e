/**
 * `peak: true`: the Peak column answers the seed's question (the list line needs more memory at once
 * than the generator line, by about the list's size), catches what a line's callbacks build, and is
 * in the text table, the JSON, `configure`, `ts-mprof run --peak` and the option checks.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { configure, profile, type Report } from 'ts-memory-profiler';
import { ROOT, compile, runInChild, writeProject, type Compiled } from './helpers/compile';

/**
 * Each fixture runs in a small process of its own: a collection costs in proportion to the heap, and
 * this test process holds the TypeScript compiler (and its garbage, which would show in the figures).
 */
function textInChild(compiled: Compiled, env: Record<string, string> = {}): string {
  const dir = writeProject({ 'fixture.js': compiled.js, 'start.js': "require('./fixture.js').main();\n" });
  const result = spawnSync(process.execPath, [path.join(dir, 'start.js')], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.is(result.status, 0, result.stderr);
  return result.stdout;
}

const row = (report: Report, line: number) => report.lines.find((l) => l.line === line)!;

const SEED = `import { profile } from 'ts-memory-profiler';
import { getHeapStatistics, setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
class Demo {
  @profile({ peak: true })
  myTestFunction(limit: number): number {
    const THE_LIMIT = limit;
    const PP = sum(function* () { for (let x = 0; x < THE_LIMIT; x++) yield x * x; }());
    const a = 1;
    const NN = sum(Array.from({ length: THE_LIMIT }, (_, x) => x * x));
    const b = 1;
    return PP - NN + a - b;
  }
}
let keep: unknown;
export function main() {
  // The first call, in a fresh process, as the seed's author ran it; then the list's live size
  // measured without the profiler.
  new Demo().myTestFunction(100000);
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (o?: object) => void;
  const live = () => { gc(); gc(); gc({ type: 'minor' }); const h = getHeapStatistics(); return h.used_heap_size + h.external_memory; };
  // Median of 5: on Node 20 two readings like these differ by ~175 KB now and then (V8's own
  // accounting, the same with no profiler loaded), a 0.08 MiB list at 1e4 read 0.25 MiB in 6 of 20.
  const sizes: number[] = [];
  for (let i = 0; i < 5; i++) {
    keep = null;
    const before = live();
    keep = Array.from({ length: 100000 }, (_, x) => x * x);
    sizes.push(live() - before);
  }
  return sizes.sort((x, y) => x - y)[2];
}
`;

test("the seed's question: the list line's Peak is above the generator line's, and about the list's live size", () => {
  const { reports, value } = runInChild(compile(SEED));
  const listSize = value as number;
  assert.is(reports.length, 1);
  const [report] = reports;
  const generator = row(report, 13).peakBytes!;
  const list = row(report, 15).peakBytes!;
  assert.ok(list > generator, `list ${list} <= generator ${generator}`);
  assert.ok(list >= 0.5 * listSize && list <= 2 * listSize, `list's Peak ${list} is not within 50%-200% of its live size ${listSize}`);
  // Every line that ran has a Peak; the list is garbage by its line's end, so it leaves no Increment.
  for (const line of report.lines) assert.is(line.peakBytes === null, line.occurrences === 0, `line ${line.line}`);
  // (The Increment is the heap reading's, which V8's own work in this first call moves: 170 KB once,
  // a fifth of the list; issue 13's default Increment is not fixed yet.)
  assert.ok(Math.abs(row(report, 15).incrementBytes!) < 0.3 * listSize, `list line's Increment ${row(report, 15).incrementBytes}`);
  // The @profile row: the call's peak above its entry, at least about the list's live size. (Not
  // necessarily the list line's Peak: that one is above the line's start, which a collection of the
  // generator's garbage can put below the entry.)
  assert.ok(row(report, 10).peakBytes! >= 0.5 * listSize, `the call's Peak ${row(report, 10).peakBytes}, the list ${listSize}`);
});

const FRESH = 20;

test(`the seed's question at 1e4 (a 0.08 MiB list, the smallest of issue 13's limits), over ${FRESH} fresh processes: the list line's Peak above the generator line's in at least ${FRESH - 1}, and within 50%-200% of the list's live size`, () => {
  const compiled = compile(SEED.replace('myTestFunction(100000)', 'myTestFunction(10000)'));
  // The list's live size: 10,000 small integers, an 80,016-byte elements store and a 32-byte array,
  // as a heap snapshot shows it. (Measured with collections around it, in this process or a fresh
  // one, it reads 80 KB most times, but 173 KB, 255 KB or -145 KB now and then on Node 20: V8's own
  // accounting, with no profiler loaded too, too unsteady to judge a 0.08 MiB figure by.)
  const listSize = 80_048;
  const seen: string[] = [];
  let above = 0;
  let within = 0;
  for (let i = 0; i < FRESH; i++) {
    const { reports } = runInChild(compiled);
    const generator = row(reports[0], 13).peakBytes!;
    const list = row(reports[0], 15).peakBytes!;
    if (list > generator) above++;
    if (list >= 0.5 * listSize && list <= 2 * listSize) within++;
    seen.push(`${generator}/${list}`);
  }
  // Before readings.ts's liveBytes finished the compilers' jobs: 18/20 above, 12%-347% (Node 20).
  assert.ok(above >= FRESH - 1, `list above generator in ${above}/${FRESH}: generator/list ${seen.join(', ')}`);
  assert.ok(within >= FRESH - 1, `list within 50%-200% of ${listSize} in ${within}/${FRESH}: generator/list ${seen.join(', ')}`);
});

test(`'exact', first call in ${FRESH} fresh processes: an 8,000,048-byte array's line within 1% of it in every one`, () => {
  const compiled = compile(`import { profile } from 'ts-memory-profiler';
class T {
  @profile({ backend: 'exact' })
  run(): number {
    const a = new Array(1e6).fill(1);
    return a.length;
  }
}
export function main() {
  return new T().run();
}
`);
  const seen: number[] = [];
  for (let i = 0; i < FRESH; i++) seen.push(row(runInChild(compiled).reports[0], 5).incrementBytes!);
  // Issue 13: 7,915,928 and 7,916,504 (-1.05%) in 2 of 8 processes, before liveBytes.
  for (const bytes of seen) assert.ok(Math.abs(bytes - 8_000_048) <= 80_000, `Increments ${seen.join(', ')}`);
});

test(`'exact', first and second call in ${FRESH} fresh processes: a 1e6-character join's line within 1% of its 1,000,016-byte string`, () => {
  // The callback runs 1e6 times: V8 optimizes it inside the line, and keeps what it made for it.
  // Its code and bytecode are V8's, not the line's: left out with the code and trusted spaces
  // (readings.ts liveBytes). Counting what getHeapCodeStatistics() counts instead read 1,014,144 to
  // 1,015,206 B in first calls on Node 26 (+1.4-1.5%): 4.6 KB of the compiler's metadata in trusted
  // space the statistics do not count, and the used heap's own over-count.
  const compiled = compile(`import { profile } from 'ts-memory-profiler';
class T {
  @profile({ backend: 'exact' })
  run(): number {
    const s = Array.from({ length: 1e6 }, () => 'a').join('');
    return s.length;
  }
}
export function main() {
  const t = new T();
  return t.run() + t.run();
}
`);
  const seen: number[] = [];
  for (let i = 0; i < FRESH; i++) for (const report of runInChild(compiled).reports) seen.push(row(report, 5).incrementBytes!);
  assert.is(seen.length, 2 * FRESH);
  // On Node 20, before readings.ts's third collection there, first calls read up to 1,012,688 B.
  // On Node 22 a call whose line gets more of the callback optimized keeps 3-8 KB of that code's
  // metadata in old space, with the program's objects, where no space or statistic tells it apart:
  // 1,011,888 B in 1 of 60 calls (README); under 1% elsewhere.
  const node22 = Number(process.versions.node.split('.')[0]) === 22;
  const bound = node22 ? 15_000 : 10_000;
  for (const bytes of seen) assert.ok(bytes >= 1_000_016 && bytes - 1_000_016 <= bound, `Increments ${seen.join(', ')}`);
});

const NESTED = `import { profile } from 'ts-memory-profiler';
const keep: unknown[] = [];
class Nested {
  @profile({ peak: true })
  run(n: number): number {
    const xs = Array.from({ length: n }, (_, i) => i + 0.5);
    const ys = xs.map((x) => {
      return x * 2;
    });
    const temp = xs.map((x) => {
      return [x];
    }).length;
    keep.push(ys);
    return temp;
  }
}
export function main() {
  const nested = new Nested();
  nested.run(200000);
  nested.run(200000);
}
`;

test("a line's Peak includes what its callbacks on other lines build, and a temporary they leave", () => {
  const { reports } = runInChild(compile(NESTED));
  assert.is(reports.length, 2);
  for (const report of reports) {
    // ys: 200,000 doubles (1.6 MB), retained; the temporary: 200,000 one-element arrays (~8 MB), dropped.
    const ys = row(report, 7);
    assert.ok(ys.peakBytes! > 1_000_000 && ys.peakBytes! < 3_200_000, `ys line's Peak ${ys.peakBytes}`);
    const temp = row(report, 10);
    assert.ok(temp.peakBytes! > 4_000_000, `temporary line's Peak ${temp.peakBytes}`);
    assert.ok(temp.peakBytes! > 2 * ys.peakBytes!);
    // The callbacks' own lines: each call needs a few bytes, far below their calling lines (V8 compiling
    // a callback in the first call shows there too: 123 KB seen, within README's first-call limit).
    assert.ok(row(report, 8).peakBytes! < 256 * 1024, `callback line's Peak ${row(report, 8).peakBytes}`);
  }
});

test('the text table has a Peak column after Occurrences, blank on lines that never ran', () => {
  const text = textInChild(
    compile(`import { profile } from 'ts-memory-profiler';
class T {
  @profile({ peak: true })
  run(flag: boolean): number {
    const a = new Array(1e6).fill(1);
    if (flag) {
      return 0;
    }
    return a.length;
  }
}
export function main() {
  return new T().run(false);
}
`),
  );
  const lines = text.split('\n');
  assert.is(lines[2], 'Line #    Mem usage    Increment  Occurrences         Peak   Line Contents');
  assert.is(lines[3], '='.repeat(lines[2].length));
  const allocation = lines.find((l) => l.includes('new Array(1e6)'))!;
  // Mem usage, Increment, Occurrences, then Peak: 8,000,048 bytes, 7.6 MiB. The Increment is the
  // 'heap' reading's, which a collection inside the line can lower (7.5 MiB once in 30 runs on a
  // loaded machine: README, Garbage collection and the heap reading); the Peak is this test's subject.
  // 7.8 MiB in 2 of 2 runs since liveBytes finishes the compilers' background jobs before collecting:
  // the code they made in this first call lands in the heap reading that closes the line (the Peak
  // leaves code out).
  assert.match(allocation, /^ {5}5 +[\d.]+ MiB +7\.[4-8] MiB +1 +7\.6 MiB +const a/, allocation);
  const never = lines.find((l) => l.includes('return 0;'))!;
  assert.is(never, `     7${' '.repeat(54)}      return 0;`);
});

test('configure({ peak: true }) turns it on for every method; JSON gets peakBytes; without it there is none', () => {
  const source = (peak: boolean) => `import { configure, profile } from 'ts-memory-profiler';
configure({ peak: ${peak} });
class T {
  @profile
  run(): number {
    const a = new Float64Array(1e6);
    return a.length;
  }
}
export function main() {
  return new T().run();
}
`;
  const without = runInChild(compile(source(false)));
  assert.not.ok('peakBytes' in without.reports[0].lines[2]);
  const { reports } = runInChild(compile(source(true)));
  const line = reports[0].lines[2];
  // A first call's full collections can come out ~1% low (7,916,480 B once: V8's own housekeeping
  // during them, README Known limits); not yet the 1% issue 13 asks for.
  assert.ok(line.peakBytes! >= 0.985 * 8_000_000 && line.peakBytes! < 8_000_000 + 2 ** 19, `Peak ${line.peakBytes}`);
});

test('a bad peak option: the run-time TypeError and the build error say the same', () => {
  assert.throws(() => profile({ peak: 'yes' as never }), /option 'peak' must be true or false, got "yes"/);
  assert.throws(() => configure({ peak: 1 as never }), /configure: option 'peak' must be true or false, got 1/);
  const { diagnostics } = compile(`import { profile } from 'ts-memory-profiler';
class A {
  @profile({ peak: 'yes' })
  m() { return 1; }
}
`);
  assert.equal(diagnostics, [
    `fixture.ts(3,20): error TS990003: ts-memory-profiler: @profile option 'peak' must be true or false, got "yes"`,
  ]);
});

test('ts-mprof run --peak: the JSON reports carry peakBytes; a value after it is a usage error', () => {
  const dir = writeProject({
    'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', strict: true } }),
    'app.ts': `import { profile } from 'ts-memory-profiler';
class W {
  @profile
  run(): number {
    const b = Buffer.alloc(4e6, 1);
    return b.length;
  }
}
console.log(new W().run());
`,
  });
  const main = path.join(ROOT, 'dist', 'cli', 'main.js');
  const result = spawnSync(process.execPath, [main, 'run', '--peak', '--format', 'json', 'app.ts'], { cwd: dir, encoding: 'utf8' });
  assert.is(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout.split('\n').find((l) => l.startsWith('{'))!) as Report;
  const line = report.lines.find((l) => l.source.includes('Buffer.alloc'))!;
  // The flag's plumbing, not the figure's precision (the other tests): 4,002,672 in quiet runs, but
  // under ts-mprof run the loader's own memory can come and go during the line (3,761,600 once).
  assert.ok(line.peakBytes! >= 3_600_000 && line.peakBytes! < 4_400_000, `Peak ${line.peakBytes}`);
  const bad = spawnSync(process.execPath, [main, 'run', '--peak=yes', 'app.ts'], { cwd: dir, encoding: 'utf8' });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--peak takes no value/);
});

test.run();
