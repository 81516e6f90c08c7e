/**
 * `node --import ts-memory-profiler/register app.ts` (and `--require` for CommonJS): what `ts-mprof run`
 * does, for people who start node themselves, with the options in environment variables.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { blankRow, maskFigures, tableTop, writeProject } from './helpers/compile';

function node(dir: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
}

const PROGRAM = (file: string, from: string) => `import { profile } from 'ts-memory-profiler';
import { size } from '${from}';

class Demo {
  @profile
  myFunc(): number[] {
    const a = new Array(size()).fill(1);
    return a;
  }
}

console.log(new Demo().myFunc().length, '${file}');
`;
const UTIL = `export function size(): number {\n  return 10 ** 5;\n}\n`;

/** The report of PROGRAM at `precision` (masked), then what the program printed. */
function expected(file: string, precision: number): string {
  const n = `N.${'N'.repeat(precision)} MiB`.padStart(12);
  return [
    ...tableTop(file),
    `     5 ${n} ${n}           1     @profile`,
    blankRow(6, '  myFunc(): number[] {'),
    `     7 ${n} ${n}           1       const a = new Array(size()).fill(1);`,
    `     8 ${n} ${n}           1       return a;`,
    blankRow(9, '  }'),
    '',
    '',
    `100000 ${file}`,
    '',
  ].join('\n');
}

test('--import: an .mts program importing a .cts file by its .cjs name, TC39 decorators, precision from the environment', () => {
  const dir = writeProject({
    'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', experimentalDecorators: false } }),
    'app.mts': PROGRAM('app.mts', './util.cjs'),
    'util.cts': UTIL,
  });
  const result = node(dir, ['--import', 'ts-memory-profiler/register', 'app.mts'], { TS_MEMORY_PROFILER_PRECISION: '3' });
  assert.is(result.stderr, '');
  assert.fixture(maskFigures(result.stdout), expected('app.mts', 3));
  assert.is(result.status, 0);
});

test('--require: a CommonJS program importing a file without extension, experimentalDecorators from tsconfig.json', () => {
  const dir = writeProject({
    'package.json': '{"private":true}',
    'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', experimentalDecorators: true } }),
    'app.ts': PROGRAM('app.ts', './util'),
    'util.ts': UTIL,
  });
  const result = node(dir, ['--require', 'ts-memory-profiler/register', 'app.ts']);
  assert.is(result.stderr, '');
  assert.fixture(maskFigures(result.stdout), expected('app.ts', 1));
  assert.is(result.status, 0);
});

test('--import: an ESM program importing the named exports of a CommonJS .ts file', () => {
  const dir = writeProject({
    'package.json': '{"private":true}',
    'app.mts': PROGRAM('app.mts', './util.js'),
    'util.ts': UTIL,
  });
  const result = node(dir, ['--import', 'ts-memory-profiler/register', 'app.mts']);
  assert.is(result.stderr, '');
  assert.fixture(maskFigures(result.stdout), expected('app.mts', 1));
});

test("the compiler stays out of the program's heap: the program's require.cache has no TypeScript, CommonJS or ESM", () => {
  const cache = "Object.keys(require.cache).filter((f) => f.includes('typescript')).length";
  for (const [type, app] of [
    ['commonjs', `${UTIL}console.log(size(), ${cache});\n`],
    [
      'module',
      `import { createRequire } from 'module';\nconst require = createRequire(import.meta.url);\n${UTIL}console.log(size(), ${cache});\n`,
    ],
  ]) {
    const dir = writeProject({ 'package.json': JSON.stringify({ private: true, type }), 'app.ts': app });
    const result = node(dir, ['--import', 'ts-memory-profiler/register', 'app.ts']);
    assert.is(result.stderr, '', type);
    assert.is(result.stdout, '100000 0\n', type);
  }
});

test('TS_MEMORY_PROFILER_AGGREGATE, _FORMAT and _OUTPUT: one JSON total per method, appended to the file at exit', () => {
  const dir = writeProject({
    'package.json': '{"private":true,"type":"module"}',
    'app.ts': `import { profile } from 'ts-memory-profiler';

class Demo {
  @profile
  twice(n: number): number {
    const doubled = n * 2;
    return doubled;
  }
}

const demo = new Demo();
console.log(demo.twice(1) + demo.twice(2) + demo.twice(3));
`,
  });
  const result = node(dir, ['--import', 'ts-memory-profiler/register', 'app.ts'], {
    TS_MEMORY_PROFILER_AGGREGATE: '1',
    TS_MEMORY_PROFILER_FORMAT: 'json',
    TS_MEMORY_PROFILER_OUTPUT: 'reports.jsonl',
  });
  assert.is(result.stderr, '');
  assert.is(result.stdout, '12\n');
  const lines = fs.readFileSync(path.join(dir, 'reports.jsonl'), 'utf8').trimEnd().split('\n');
  assert.is(lines.length, 1);
  const report = JSON.parse(lines[0]) as import('ts-memory-profiler').Report;
  assert.is(report.name, 'Demo.twice');
  assert.equal(
    report.lines.map((l) => [l.line, l.occurrences]),
    [
      [4, 3],
      [5, 0],
      [6, 3],
      [7, 3],
      [8, 0],
    ],
  );
});

test('@profile({ aggregate: true }) totals that method only; the others report each call', () => {
  const dir = writeProject({
    'package.json': '{"private":true}',
    'app.ts': `import { profile } from 'ts-memory-profiler';

class Demo {
  @profile({ aggregate: true })
  summed(n: number): number {
    return n + 1;
  }

  @profile
  each(n: number): number {
    return n - 1;
  }
}

const demo = new Demo();
console.log(demo.summed(1) + demo.summed(2) + demo.each(3) + demo.each(4));
`,
  });
  const result = node(dir, ['--import', 'ts-memory-profiler/register', 'app.ts'], { TS_MEMORY_PROFILER_FORMAT: 'json' });
  assert.is(result.stderr, '');
  const lines = result.stdout.trimEnd().split('\n');
  const reports = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as import('ts-memory-profiler').Report);
  assert.equal(
    lines.filter((l) => !l.startsWith('{')),
    ['10'],
  );
  // Two reports of each() as it returns, then the total of summed() at exit.
  assert.equal(
    reports.map((r) => [r.name, r.lines.map((l) => l.occurrences)]),
    [
      ['Demo.each', [1, 0, 1, 0]],
      ['Demo.each', [1, 0, 1, 0]],
      ['Demo.summed', [2, 0, 2, 0]],
    ],
  );
  assert.ok(lines.indexOf('10') < lines.length - 1, 'the total comes after the program output');
});

test('a bad option in the environment: one line naming the variable, exit 2, the program does not run', () => {
  const dir = writeProject({ 'app.ts': 'console.log("ran");\n' });
  const result = node(dir, ['--import', 'ts-memory-profiler/register', 'app.ts'], { TS_MEMORY_PROFILER_BACKEND: 'vms' });
  assert.is(result.stdout, '');
  assert.is(result.stderr, `ts-memory-profiler: TS_MEMORY_PROFILER_BACKEND must be 'heap', 'rss' or 'exact', got "vms"\n`);
  assert.is(result.status, 2);
});

test('a syntax error in an imported ES module: the file(line,col) error, exit 1, nothing runs', () => {
  const dir = writeProject({
    'package.json': '{"private":true,"type":"module"}',
    'app.ts': `import { x } from './broken.js';\nconsole.log('ran', x);\n`,
    'broken.ts': `export const x: number = ;\n`,
  });
  const result = node(dir, ['--import', 'ts-memory-profiler/register', 'app.ts']);
  assert.is(result.stdout, '');
  assert.is(result.stderr, 'broken.ts(1,26): error TS1109: Expression expected.\n');
  assert.is(result.status, 1);
});

// tsx registers its hooks after this loader's, so they run first and take the TypeScript files.
test('--import tsx after the loader in a CommonJS project: one line saying to put it first, exit 2, the program does not run', () => {
  const dir = writeProject({ 'package.json': '{"private":true}', 'app.ts': PROGRAM('app.ts', './util'), 'util.ts': UTIL });
  const line =
    'ts-memory-profiler: --import tsx runs after ts-memory-profiler/register and would take the TypeScript files from it: put --import tsx first, or leave it out (the loader compiles TypeScript itself)\n';
  for (const args of [
    ['--import', 'ts-memory-profiler/register', '--import', 'tsx', 'app.ts'],
    // Every --require runs before every --import, whatever the order on the command line.
    ['--import=tsx', '--require', 'ts-memory-profiler/register', 'app.ts'],
  ]) {
    const result = node(dir, args);
    assert.is(result.stdout, '', args.join(' '));
    assert.is(result.stderr, line, args.join(' '));
    assert.is(result.status, 2, args.join(' '));
  }
  const viaEnvironment = node(dir, ['--require', 'tsx/cjs', 'app.ts'], { NODE_OPTIONS: '--require ts-memory-profiler/register' });
  assert.is(viaEnvironment.stderr, line.replace(/--import tsx/g, '--require tsx/cjs'));
  assert.is(viaEnvironment.status, 2);
});

test('--import tsx before the loader: line-by-line reports, in CommonJS and ESM projects', () => {
  for (const type of ['commonjs', 'module']) {
    const dir = writeProject({
      'package.json': JSON.stringify({ private: true, type }),
      'app.ts': PROGRAM('app.ts', './util.js'),
      'util.ts': UTIL,
    });
    const result = node(dir, ['--import', 'tsx', '--import', 'ts-memory-profiler/register', 'app.ts']);
    assert.is(result.stderr, '', type);
    assert.fixture(maskFigures(result.stdout), expected('app.ts', 1));
    assert.is(result.status, 0, type);
  }
});

test('stack traces point into the .ts source', () => {
  const dir = writeProject({
    'package.json': '{"private":true}',
    'app.ts': `interface Shape {\n  size: number;\n}\nconst shape: Shape = { size: 1 };\nthrow new Error('boom ' + shape.size);\n`,
  });
  const result = node(dir, ['--import', 'ts-memory-profiler/register', 'app.ts']);
  assert.match(result.stderr, `${path.join(dir, 'app.ts')}:5`);
  assert.is(result.status, 1);
});

test.run();
