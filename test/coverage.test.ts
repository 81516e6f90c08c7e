/**
 * Coverage of a profiled build: `c8 node out/app.js` on the tspc build with the plugin must report the
 * same lines and branches of the .ts source, with the same counts, as on the same program built
 * without the plugin. c8 reads V8's block coverage of the emitted JavaScript back through its source
 * map, so the probes and blocks the transformer adds must map to the code they stand for.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, writeProject } from './helpers/compile';

const TSPC = path.join(ROOT, 'node_modules', '.bin', 'tspc');
const C8 = path.join(ROOT, 'node_modules', 'c8', 'bin', 'c8.js');

// Throws with code after them, single-statement branches, every kind of loop, switch, try/catch/finally,
// labels, callbacks and a nested function, in profiled methods and a profiled function.
const APP = `import { profile } from 'ts-memory-profiler';

class Work {
  @profile
  check(n: number): number {
    if (n < 0) {
      throw new Error('negative');
    }
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (i % 2 === 0) total += i;
      else total -= 1;
    }
    while (total > 100) total = total / 2;
    do {
      total++;
    } while (total < 3);
    outer: for (const row of [[1, 2], [3, 4]]) {
      for (const x of row) {
        if (x === 3) continue outer;
        total += x > 1 ? x : 0;
      }
    }
    const doubled = [1, 2, 3].map((x) => (x > 1 ? x * 2 : x));
    function helper(k: number) {
      if (k > 10) return k;
      return -k;
    }
    total += helper(doubled.length) && 1;
    return total > 10 ? total : -total;
  }

  @profile
  fail(kind: string): string {
    if (kind === 'a') {
      throw new Error('a');
      console.log('never');
    }
    switch (kind) {
      case 'b':
        return 'b';
      case 'c':
        throw new Error('c');
      default:
        break;
    }
    try {
      JSON.parse(kind);
    } catch (e) {
      return 'caught';
    } finally {
      kind = kind + '!';
    }
    return kind;
  }
}

const square = profile((x: number) => {
  if (x > 100) throw new RangeError('too big');
  return x * x;
});

const w = new Work();
const out: unknown[] = [w.check(5), w.check(30), square(3)];
for (const k of ['a', 'b', 'x']) {
  try {
    out.push(w.fail(k));
  } catch (e) {
    out.push((e as Error).message);
  }
}
try {
  square(1000);
} catch (e) {
  out.push((e as Error).name);
}
console.log(JSON.stringify(out));
`;

interface FileCoverage {
  statementMap: Record<string, { start: { line: number; column: number }; end: { line: number; column: number | null } }>;
  s: Record<string, number>;
  branchMap: Record<string, { loc: { start: { line: number; column: number }; end: { line: number; column: number | null } } }>;
  b: Record<string, number[]>;
}

/** Builds APP with tspc (with or without the plugin), runs it under c8, and returns the output and src/app.ts's coverage. */
function covered(plugin: boolean): { stdout: string; lines: Record<number, number>; branches: string[] } {
  const dir = writeProject({
    'package.json': '{"private":true}',
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'commonjs',
        strict: true,
        sourceMap: true,
        outDir: 'out',
        rootDir: 'src',
        types: ['node'],
        skipLibCheck: true,
        ...(plugin ? { plugins: [{ transform: 'ts-memory-profiler/transformer' }] } : {}),
      },
      include: ['src'],
    }),
    'src/app.ts': APP,
  });
  const build = spawnSync(TSPC, ['-p', dir], { cwd: dir, encoding: 'utf8' });
  assert.is(build.status, 0, build.stdout);
  const run = spawnSync(
    process.execPath,
    [C8, '--reporter=json', '--reports-dir', 'coverage', process.execPath, path.join('out', 'app.js')],
    {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, TS_MEMORY_PROFILER_OUTPUT: undefined, NODE_V8_COVERAGE: undefined },
    },
  );
  assert.is(run.status, 0, run.stderr);
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'coverage', 'coverage-final.json'), 'utf8')) as Record<string, FileCoverage>;
  const file = report[path.join(dir, 'src', 'app.ts')];
  assert.ok(file, `coverage of src/app.ts, got ${Object.keys(report).join(', ')}`);
  // c8 makes one statement per line: its count is the line's.
  const lines: Record<number, number> = {};
  for (const [id, statement] of Object.entries(file.statementMap)) lines[statement.start.line] = file.s[id];
  // A branch is where it starts and the line it ends on. Its end column is left out: where a function
  // body's closing brace is at column 0 of `});`, c8 ends the plain build's range one column past it.
  const at = (loc: { start: { line: number; column: number }; end: { line: number; column: number | null } }) =>
    `${loc.start.line}:${loc.start.column}-${loc.end.line}`;
  const branches = Object.entries(file.branchMap)
    .map(([id, branch]) => `${at(branch.loc)} ran ${file.b[id].join(',')}`)
    .sort();
  return { stdout: run.stdout, lines, branches };
}

test('c8 on the profiled build reports the lines and branches of the unprofiled build, with the same counts', () => {
  const plain = covered(false);
  const profiled = covered(true);
  const result = '[-8,101.5,9,"a","b","caught","RangeError"]\n';
  assert.ok(plain.stdout.endsWith(result), plain.stdout);
  assert.ok(profiled.stdout.endsWith(result), profiled.stdout);
  assert.ok(profiled.stdout.includes('Filename: src/app.ts'), 'the profiled build reports');
  // Lines after a throw never run, in both builds.
  // Lines after a throw (and the throws that never ran) are not run, in both builds.
  const notRun = (lines: Record<number, number>) =>
    Object.keys(lines)
      .filter((line) => lines[Number(line)] === 0)
      .map(Number);
  assert.equal(notRun(plain.lines), [7, 8, 37, 38, 43, 54, 55]);
  assert.equal(notRun(profiled.lines), notRun(plain.lines));
  assert.equal(profiled.lines, plain.lines);
  assert.equal(profiled.branches, plain.branches);
});

test.run();
