/**
 * Plain functions, which TypeScript cannot decorate: `profile(function name() {...})` and
 * `profile((x) => {...})` around an inline function are instrumented like methods.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { profile } from 'ts-memory-profiler';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { compile, occurrences, run, runInChild, writeProject } from './helpers/compile';

const SOURCE = `import { profile } from 'ts-memory-profiler';
declare function log(...values: unknown[]): void;

const work = profile(function work(n: number): number {
  const a = new Array(n).fill(1);
  let total = 0;
  for (const x of a) total += x;
  return total;
});

const square = profile((x: number) => x * x);

const Point = profile(function Point(this: { x: number }, x: number) {
  this.x = x;
  log('constructed');
});

export function main() {
  return [work(5), square(7), work.name, work.length, square.length, (new (Point as any)(3)).x];
}
`;

test('a profiled function expression and arrow: same results, one report per call, charged line by line', () => {
  const baseline = run(compile(SOURCE.replace(/profile\(/g, '(')));
  const result = run(compile(SOURCE));
  assert.equal(result.value, baseline.value);
  assert.equal(result.value, [5, 49, 'work', 1, 1, 3]);
  assert.equal(result.log, baseline.log);
  assert.equal(
    result.reports.map((r) => r.name),
    ['work', 'square'],
  );
  // The call's line carries the entry reading; the loop header counts 5 steps + the end, and its body
  // shares the line.
  assert.equal(occurrences(result.reports[0]), [
    [4, 1],
    [5, 1],
    [6, 1],
    [7, 6 + 5],
    [8, 1],
  ]);
  // A concise arrow on the call's line: the entry and the expression.
  assert.equal(occurrences(result.reports[1]), [[11, 2]]);
  assert.equal(
    result.reports[0].lines.map((l) => l.line),
    [4, 5, 6, 7, 8, 9],
  );
});

test('an async arrow: the report is written when its promise settles, covering every line', () => {
  const source = `import { profile } from 'ts-memory-profiler';
const later = profile(async (ms: number) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  const big = new Array(1e5).fill(0);
  return big.length;
});
export function main() {
  later(1).then((n) => console.log('RESULT ' + n));
}
`;
  const { reports } = runInChild(compile(source));
  assert.is(reports.length, 1);
  assert.is(reports[0].name, 'later');
  // Entry on the call's line; the await line counts its statement and the executor arrow.
  assert.equal(occurrences(reports[0]), [
    [2, 1],
    [3, 2],
    [4, 1],
    [5, 1],
  ]);
  assert.ok(reports[0].lines[2].incrementBytes! > 700_000, `the array: ${reports[0].lines[2].incrementBytes}`);
});

test('profile(fn) at run time: a class is refused, a generator stays a generator function', () => {
  assert.throws(() => profile(class Foo {} as never), /can only decorate a method or a get\/set accessor, not a class \(Foo\)/);
  function* gen() {
    yield 1;
  }
  const profiled = profile(gen);
  assert.is(profiled.constructor.name, 'GeneratorFunction');
  assert.is(profiled.prototype, gen.prototype);
});

test('profile(fnVariable): one-line reports, and a hint that only a function written inside the call is instrumented', () => {
  const compiled = compile(`import { profile } from 'ts-memory-profiler';
function heavy(n: number) { return new Array(n).fill(0).length; }
const p = profile(heavy);
console.log(p(10), p(20));
`);
  const dir = writeProject({ 'app.js': compiled.js });
  const result = spawnSync(process.execPath, [path.join(dir, 'app.js')], { encoding: 'utf8' });
  assert.is(result.stdout.split('Filename: ').length - 1, 2);
  assert.match(result.stdout, /\n10 20\n$/);
  assert.is(result.stderr.split('\n').filter(Boolean).length, 1);
  assert.match(
    result.stderr,
    /heavy was not instrumented.*only a function written inside the call, profile\(function heavy\(\) \{\.\.\.\}\), is instrumented/,
  );
});

const JSDOC = `declare function log(...values: unknown[]): void;
export function main() {
  return [early(3), squares(3), early.name, early.length, squares.length, (new (early as any)(2)) instanceof early];
}

/** @profile */
function early(n: number, scale = 2): number {
  log('early ' + n);
  const a = new Array(n).fill(1);
  return a.length * scale;
}

/**
 * Sums squares.
 * @profile {precision: 4, format: 'json'}
 */
export function squares(limit: number): number {
  let total = 0;
  for (let x = 0; x < limit; x++) total += x * x;
  return total;
}
`;

test('/** @profile */ on a function declaration: hoisting, name, length and results kept; reports from the tag line', () => {
  const baseline = run(compile(JSDOC.replace(/@profile/g, '@notes')));
  const result = run(compile(JSDOC));
  assert.equal(result.value, baseline.value);
  assert.equal(result.value, [6, 5, 'early', 1, 1, true]);
  assert.equal(result.log, baseline.log);
  // new early(2) constructs, unprofiled: two calls profiled.
  assert.equal(
    result.reports.map((r) => r.name),
    ['early', 'squares'],
  );
  assert.equal(occurrences(result.reports[0]), [
    [6, 1],
    [8, 1],
    [9, 1],
    [10, 1],
  ]);
  assert.is(result.reports[1].precision, 4);
  assert.equal(occurrences(result.reports[1]), [
    [15, 1],
    [18, 1],
    [19, 4 + 3],
    [20, 1],
  ]);
  assert.ok(result.text.includes('{"file":'), 'the json format from the tag');
});

test('/** @profile */ with bad options is a build error at the tag', () => {
  const diagnostics = compile('/** @profile {precision: 12} */\nexport function f() { return 1; }\n').diagnostics;
  assert.equal(diagnostics, [
    "fixture.ts(1,5): error TS990003: ts-memory-profiler: /** @profile */ option 'precision' must be an integer from 0 to 10, got 12",
  ]);
  assert.match(
    compile('/** @profile fast */\nexport function f() { return 1; }\n').diagnostics[0],
    /takes an object literal of options, like \{precision: 4\}, got fast/,
  );
});

/** Doc comments that mention `@profile` without being its tag: each builds as with tsc, and profiles nothing. */
const MENTIONS = [
  '/** do not put @profile here: it is called a million times */',
  '/** Questions: team@profile.example.com */',
  '/** @profile-free: safe to call from profiled code */',
  '/**\n * Hot path, keep it free of @profile\n */',
  '/**\n * @param n do not @profile {precision: 12} this\n */',
  '/** @profiler {precision: 12} */',
];

test('a doc comment that only mentions @profile neither fails the build nor profiles the function', () => {
  for (const comment of MENTIONS) {
    const compiled = compile(
      `declare function log(...values: unknown[]): void;\n${comment}\nexport function f(n: number) { return n + 1; }\nexport function main() { return f(1); }\n`,
    );
    assert.equal(compiled.diagnostics, [], comment);
    assert.not.ok(compiled.js.includes('__enter'), `${comment}: nothing instrumented`);
    const result = run(compiled);
    assert.is(result.value, 2, comment);
    assert.equal(result.reports, [], comment);
  }
});

test('@profile counts as a tag at the start of any line of a doc comment, its options on its line', () => {
  const source = `/**
 * Sums.
 *
 * @param n how many
 * @profile {precision: 3}
 *   Description of the tag on the next line is not options.
 * @returns the sum
 */
export function sum(n: number) {
  let t = 0;
  for (let i = 0; i < n; i++) t += i;
  return t;
}
export function main() { return sum(4); }
`;
  const compiled = compile(source);
  assert.equal(compiled.diagnostics, []);
  const result = run(compiled);
  assert.is(result.value, 6);
  assert.equal(
    result.reports.map((r) => [r.name, r.precision, r.lines[0].line, r.lines[0].source]),
    [['sum', 3, 5, ' * @profile {precision: 3}']],
  );
});

test.run();
