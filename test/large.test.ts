/**
 * A long method: one of 3,000 generated lines compiles through the transformer, runs with the result
 * it would have unprofiled, and its report has a row for every line with the right occurrences.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, run } from './helpers/compile';

const BODY = 3000;
const PASSES = 3;

/**
 * Statements of one line each, cycling through a few kinds: the text, what it does (to compute the
 * expected result), and how many probes the line takes in one pass. They call functions outside the
 * method rather than use its locals: thousands of uses of one local in a loop make tsc's own flow
 * analysis take seconds (with or without the transformer).
 */
const KINDS: Array<{
  text: (i: number) => string;
  apply: (xs: number[], i: number, n: number) => void;
  probes: (i: number, n: number) => number;
}> = [
  { text: (i) => `add(${i});`, apply: (xs, i) => xs.push(i), probes: () => 1 },
  { text: (i) => `drop(); add(${i} * 2);`, apply: (xs, i) => (xs.pop(), xs.push(i * 2)), probes: () => 2 },
  { text: (i) => `if (n > ${i % 5}) add(${i});`, apply: (xs, i, n) => n > i % 5 && xs.push(i), probes: (i, n) => (n > i % 5 ? 2 : 1) },
];

/** The fixture, the occurrences each line must show (lines that never ran left out), and the result. */
function longMethod() {
  const lines = [
    `import { profile } from 'ts-memory-profiler';`,
    `const xs: number[] = [];`,
    `const add = (x: number) => xs.push(x), drop = () => xs.pop();`,
    `class Long {`,
    `  @profile`,
    `  run(n: number): number {`,
    `    for (let pass = 0; pass < n; pass++) {`,
  ];
  const entry = 5;
  const occurrences: Array<[number, number]> = [
    [entry, 1],
    [entry + 2, PASSES + 1],
  ];
  const xs: number[] = [];
  for (let i = 0; i < BODY; i++) {
    const kind = KINDS[i % KINDS.length];
    lines.push(`      ${kind.text(i)}`);
    occurrences.push([lines.length, kind.probes(i, PASSES) * PASSES]);
  }
  for (let pass = 0; pass < PASSES; pass++) for (let i = 0; i < BODY; i++) KINDS[i % KINDS.length].apply(xs, i, PASSES);
  lines.push(`    }`, `    if (n < 0) {`, `      drop();`, `    }`, `    return xs.length + xs[xs.length - 1];`, `  }`);
  occurrences.push([lines.length - 4, 1], [lines.length - 1, 1]);
  const last = lines.length;
  lines.push(`}`, `export function main() { return new Long().run(${PASSES}); }`, '');
  return { source: lines.join('\n'), entry, occurrences, last, value: xs.length + xs[xs.length - 1] };
}

test(`a method of ${BODY} lines: its result, a row for each of its lines, the right occurrences`, () => {
  const { source, entry, occurrences, last, value } = longMethod();
  const compiled = compile(source);
  assert.equal(compiled.diagnostics, []);
  const result = run(compiled);
  assert.is(result.threw, false);
  assert.is(result.value, value);
  assert.is(result.reports.length, 1);
  const report = result.reports[0];
  // Every line from the decorator to the closing brace, in order.
  assert.equal(
    report.lines.map((l) => l.line),
    Array.from({ length: last - entry + 1 }, (_, i) => entry + i),
  );
  assert.ok(report.lines.length > BODY);
  assert.equal(
    report.lines.filter((l) => l.occurrences > 0).map((l) => [l.line, l.occurrences]),
    occurrences,
  );
  // The text table too: a row per line after the four header lines.
  assert.is(result.text.trimEnd().split('\n').length - 4, report.lines.length);
});

test.run();
