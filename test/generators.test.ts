/**
 * Generator and async generator methods: one report for the generator's whole life, written when it
 * finishes, is closed early or throws; readings only while its body runs; none for one dropped
 * unfinished, whose frame goes with it.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Report } from 'ts-memory-profiler';
import { compile, occurrences, runInChild, writeProject } from './helpers/compile';

const MiB = 2 ** 20;

/** Runs a program in a process of its own with JSON reports; its stdout lines that are not reports come back as `out`. */
function runProgram(source: string, legacy: boolean, transform = true): { reports: Report[]; out: string[]; stderr: string } {
  const compiled = compile(`import { configure } from 'ts-memory-profiler';\nconfigure({ format: 'json' });\n${source}`, {
    legacy,
    transform,
  });
  assert.equal(compiled.diagnostics, []);
  const result = spawnSync(process.execPath, [path.join(writeProject({ 'app.js': compiled.js }), 'app.js')], { encoding: 'utf8' });
  assert.is(result.status, 0, result.stderr);
  const lines = result.stdout.split('\n').filter(Boolean);
  return {
    reports: lines.filter(isReport).map((l) => JSON.parse(l) as Report),
    out: lines.filter((l) => !isReport(l)),
    stderr: result.stderr,
  };
}

/** Line numbers in the tests are those of the source as written here; the program has two lines on top. */
const isReport = (line: string) => line.startsWith('{"file":');
const row = (report: Report, line: number) => report.lines.find((l) => l.line === line + 2)!;
const ran = (report: Report) => occurrences(report).map(([l, n]) => [l - 2, n]);

const CHUNKS = `import { profile } from 'ts-memory-profiler';
class Source {
  @profile
  *chunks(n: number) {
    for (let i = 0; i < n; i++) {
      const chunk = new Array(2 ** 17).fill(i);
      yield chunk;
    }
    return 'done';
  }
}
const keep: unknown[] = [];
const source = new Source();
`;

for (const legacy of [false, true]) {
  const mode = legacy ? 'legacy' : 'TC39';

  test(`${mode}: a generator's report covers its whole life, and what the consumer allocates between steps is no line's`, () => {
    const { reports, out } = runProgram(
      CHUNKS +
        `const seen: number[] = [];
for (const chunk of source.chunks(3)) {
  seen.push(chunk[0]);
  keep.push(new Array(2 ** 18).fill(0));
}
console.log(JSON.stringify(seen));
`,
      legacy,
    );
    assert.equal(out, ['[0,1,2]']);
    assert.is(reports.length, 1);
    const [report] = reports;
    assert.is(report.name, 'Source.chunks');
    // The loop's header 4 times (3 steps and the last test), its body 3 times, the return once.
    assert.equal(ran(report), [
      [3, 1],
      [5, 4],
      [6, 3],
      [7, 3],
      [9, 1],
    ]);
    // Each step made 1 MiB (2^17 elements); the consumer's 2 MiB a step is charged nowhere.
    assert.ok(Math.abs(row(report, 6).incrementBytes! - 3 * MiB) < 0.15 * 3 * MiB, `line 6: ${row(report, 6).incrementBytes}`);
    assert.ok(Math.abs(row(report, 7).incrementBytes!) < 0.1 * MiB, `yield line: ${row(report, 7).incrementBytes}`);
  });

  test(`${mode}: a break out of for...of and a return() close the generator and write its report`, () => {
    const { reports, out } = runProgram(
      CHUNKS +
        `for (const chunk of source.chunks(5)) if (chunk[0] === 1) break;
const g = source.chunks(5);
g.next();
console.log(JSON.stringify(g.return('early')), JSON.stringify(g.next()));
`,
      legacy,
    );
    assert.equal(out, ['{"value":"early","done":true} {"done":true}']);
    assert.is(reports.length, 2);
    assert.equal(ran(reports[0]), [
      [3, 1],
      [5, 2],
      [6, 2],
      [7, 2],
    ]);
    assert.equal(ran(reports[1]), [
      [3, 1],
      [5, 1],
      [6, 1],
      [7, 1],
    ]);
  });

  test(`${mode}: a generator that throws, or has an error thrown into it, reports and the error is unchanged`, () => {
    const { reports, out } = runProgram(
      `import { profile } from 'ts-memory-profiler';
class Risky {
  @profile
  *steps() {
    yield 1;
    throw new RangeError('inside');
  }
  @profile
  *guarded() {
    try {
      yield 1;
    } catch (e) {
      yield 'caught ' + (e as Error).message;
    }
  }
}
const r = new Risky();
const a = r.steps();
a.next();
try { a.next(); } catch (e) { console.log(String(e)); }
const b = r.guarded();
b.next();
console.log(JSON.stringify(b.throw(new Error('sent'))), JSON.stringify(b.next()));
`,
      legacy,
    );
    assert.equal(out, ['RangeError: inside', '{"value":"caught sent","done":false} {"done":true}']);
    assert.equal(
      reports.map((r) => r.name),
      ['Risky.steps', 'Risky.guarded'],
    );
    assert.equal(ran(reports[0]), [
      [3, 1],
      [5, 1],
      [6, 1],
    ]);
    assert.equal(ran(reports[1]), [
      [8, 1],
      [11, 1],
      [12, 1],
      [13, 1],
    ]);
  });

  test(`${mode}: an async generator reports when it ends; the consumer's allocations between steps are no line's`, () => {
    const { reports, out } = runProgram(
      `import { profile } from 'ts-memory-profiler';
class Pages {
  @profile
  async *pages(n: number) {
    for (let i = 0; i < n; i++) {
      await null;
      const page = new Array(2 ** 17).fill(i);
      yield page;
    }
  }
}
const keep: unknown[] = [];
(async () => {
  const seen: number[] = [];
  for await (const page of new Pages().pages(3)) {
    seen.push(page[0]);
    keep.push(new Array(2 ** 18).fill(0));
  }
  for await (const page of new Pages().pages(3)) break;
  console.log(JSON.stringify(seen));
})();
`,
      legacy,
    );
    assert.equal(out, ['[0,1,2]']);
    assert.is(reports.length, 2);
    assert.equal(ran(reports[0]), [
      [3, 1],
      [5, 4],
      [6, 3],
      [7, 3],
      [8, 3],
    ]);
    assert.ok(Math.abs(row(reports[0], 8).incrementBytes!) < 0.1 * MiB, `yield line: ${row(reports[0], 8).incrementBytes}`);
    assert.ok(row(reports[0], 7).incrementBytes! > 2.5 * MiB, `line 7: ${row(reports[0], 7).incrementBytes}`);
    assert.equal(ran(reports[1]), [
      [3, 1],
      [5, 1],
      [6, 1],
      [7, 1],
      [8, 1],
    ]);
  });

  test(`${mode}: the profiled generator is still a generator to code that checks`, () => {
    const { out } = runProgram(
      CHUNKS +
        `const method = Source.prototype.chunks;
const g = source.chunks(1);
console.log(JSON.stringify([
  g instanceof method, Object.prototype.toString.call(g), Object.keys(g), g[Symbol.iterator]() === g,
  method.constructor.name, method.name, method.length, [...source.chunks(2)].length,
]));
`,
      legacy,
    );
    assert.equal(out, ['[true,"[object Generator]",[],true,"GeneratorFunction","chunks",1,2]']);
  });
}

test('enabled: false, on the decorator or through configure, runs a generator as written: no report', () => {
  const { reports, out } = runProgram(
    `import { profile, configure as setUp } from 'ts-memory-profiler';
class Off {
  @profile({ enabled: false })
  *quiet(n: number) { for (let i = 0; i < n; i++) yield i; }
  @profile
  *switched(n: number) { for (let i = 0; i < n; i++) yield i; }
}
const off = new Off();
const seen = [[...off.quiet(3)]];
setUp({ enabled: false });
seen.push([...off.switched(2)]);
setUp({ enabled: true });
seen.push([...off.switched(1)]);
console.log(JSON.stringify(seen));
`,
    false,
  );
  assert.equal(out, ['[[0,1,2],[0,1],[0]]']);
  assert.equal(
    reports.map((r) => r.name),
    ['Off.switched'],
  );
});

test('a generator dropped unfinished writes no report, and its frame goes with it', () => {
  const { reports, value } = runInChild(
    compile(`import { profile, configure } from 'ts-memory-profiler';
import { getHeapStatistics, setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
class Endless {
  @profile
  *count() {
    let i = 0;
    while (true) yield i++;
  }
}
export function main() {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const heap = () => { gc(); gc(); const h = getHeapStatistics(); return h.used_heap_size + h.external_memory; };
  const e = new Endless();
  const drop = () => { for (let i = 0; i < 20000; i++) { const g = e.count(); g.next(); g.next(); } };
  drop();
  const before = heap();
  drop();
  return heap() - before;
}
`),
  );
  assert.is(reports.length, 0);
  assert.ok((value as number) < 256 * 1024, `the heap grew by ${value} bytes over 20000 dropped generators`);
});

test('a generator built without the transformer runs as written, with a hint on stderr and no report', () => {
  const { reports, out, stderr } = runProgram(
    CHUNKS + `console.log([...source.chunks(3)].length, [...source.chunks(2)].length);\n`,
    false,
    false,
  );
  assert.equal(out, ['3 2']);
  assert.is(reports.length, 0);
  assert.is(stderr.split('\n').filter(Boolean).length, 1);
  assert.match(stderr, /a generator built without the transformer writes no report/);
});

test('profile(function* () {...}) and /** @profile */ function* are profiled like generator methods', () => {
  const { reports, out } = runProgram(
    `import { profile } from 'ts-memory-profiler';
const evens = profile(function* evens(n: number) {
  for (let i = 0; i < n; i += 2) yield i;
});
/** @profile */
function* odds(n: number) {
  for (let i = 1; i < n; i += 2) yield i;
}
console.log(JSON.stringify([[...evens(5)], [...odds(5)], evens.name, odds.name]));
`,
    false,
  );
  assert.equal(out, ['[[0,2,4],[1,3],"evens","odds"]']);
  assert.equal(
    reports.map((r) => [r.name, ran(r)]),
    [
      [
        'evens',
        [
          [2, 1],
          [3, 7],
        ],
      ],
      [
        'odds',
        [
          [5, 1],
          [7, 5],
        ],
      ],
    ],
  );
});

test('gc: true on a generator: the columns are there, and collections while the consumer runs are no line’s', () => {
  const { reports } = runProgram(
    `import { profile } from 'ts-memory-profiler';
class Source {
  @profile({ gc: true })
  *chunks(n: number) {
    for (let i = 0; i < n; i++) yield new Array(2 ** 16).fill(i);
  }
}
let garbage: unknown[] = [];
for (const c of new Source().chunks(4)) for (let k = 0; k < 200; k++) garbage = new Array(2 ** 12).fill(k);
`,
    false,
  );
  assert.is(reports.length, 1);
  const rows = reports[0].lines.filter((l) => l.occurrences > 0);
  for (const r of rows) assert.ok(r.allocatedBytes !== undefined && r.gcFreedBytes !== undefined, `line ${r.line} has the GC columns`);
  // The consumer made ~26 MB of garbage between steps: collections of it are not the loop line's.
  const loop = rows.find((r) => r.line === 5 + 2)!;
  assert.ok(loop.gcFreedBytes! < 4 * MiB, `loop line GC freed ${loop.gcFreedBytes}`);
});

test.run();
