/**
 * `ts-memory-profiler/testing`: limitMemory(fn, { increment, peak }) passes under budget, and over it
 * throws an AssertionError whose message has the line-by-line table; sizes with units; bad limits
 * are TypeErrors naming the option.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { limitMemory, parseBytes } from 'ts-memory-profiler/testing';
import { compile, runInChild, writeProject, type Compiled } from './helpers/compile';

interface Outcome {
  value?: unknown;
  name?: string;
  code?: string;
  message?: string;
  actual?: number;
  expected?: number;
}

const OUTCOME = `function outcome(run: () => unknown) {
  try {
    return { value: run() };
  } catch (e: any) {
    return { name: e.name, code: e.code, message: e.message, actual: e.actual, expected: e.expected };
  }
}`;

const BUDGETS = `import { profile } from 'ts-memory-profiler';
import { limitMemory } from 'ts-memory-profiler/testing';
const keep: unknown[] = [];
${OUTCOME}
export function main() {
  const grow = profile(function grow(n: number) {
    const small = new Array(10).fill(0);
    const big = new Array(n).fill(1);
    keep.push(big);
    return small.length + big.length;
  });
  const spike = profile(function spike(n: number) {
    let big: number[] | null = new Array(n).fill(1);
    const length = big.length;
    big = null;
    return length;
  });
  return {
    under: outcome(() => limitMemory(() => grow(5e4), { increment: '1 MB' })),
    over: outcome(() => limitMemory(() => grow(1e6), { increment: '1 MB' })),
    spikeIncrement: outcome(() => limitMemory(() => spike(1e6), { increment: '1 MB' })),
    spikePeak: outcome(() => limitMemory(() => spike(1e6), { peak: '1 MB' })),
    spikeBoth: outcome(() => limitMemory(() => spike(1e6), { increment: 1e6, peak: '10 MB' })),
  };
}
`;

/** Runs a fixture whose main() prints `SETTLED <json>` once its promises settle; returns the JSON. */
function settledInChild(compiled: Compiled): unknown {
  const dir = writeProject({ 'fixture.js': compiled.js, 'start.js': "require('./fixture.js').main();\n" });
  const output = execFileSync(process.execPath, [path.join(dir, 'start.js')], { encoding: 'utf8' });
  const line = output.split('\n').find((l) => l.startsWith('SETTLED '));
  if (line === undefined) throw new Error(`no SETTLED line in:\n${output}`);
  return JSON.parse(line.slice('SETTLED '.length));
}

let budgets: { reports: unknown[]; outcomes: Record<string, Outcome> } | undefined;
/** BUDGETS run once in a child, for the two tests that read it. */
function runBudgets() {
  if (!budgets) {
    const { reports, value } = runInChild(compile(BUDGETS));
    budgets = { reports, outcomes: value as Record<string, Outcome> };
  }
  return budgets;
}

const ARRAY = 8_000_048; // new Array(1e6).fill(1): 1e6 tagged 8-byte slots and a header

test('over budget: an AssertionError with actual and expected, and the table that shows the line', () => {
  const { reports, outcomes } = runBudgets();
  // Profiled calls inside write no report of their own: their tables go into the message.
  assert.is(reports.length, 0);
  assert.equal(outcomes.under, { value: 5e4 + 10 });
  const over = outcomes.over;
  assert.is(over.name, 'AssertionError');
  assert.is(over.code, 'ERR_ASSERTION');
  assert.is(over.expected, 1e6);
  // The retained array, give or take what V8 did in this early call (see the plain-function test).
  assert.ok(over.actual! > ARRAY - 2 ** 18 && over.actual! < ARRAY + 2 ** 20, String(over.actual));
  const lines = over.message!.split('\n');
  // The first line states the figure checked above, in MiB and in bytes. (Its MiB is not pinned to
  // 7.x: one CI run out of hundreds read 8.0 MiB, within the bound above, and failed on the pattern.)
  const mib = (over.actual! / 2 ** 20).toFixed(1);
  const bytes = over.actual!.toLocaleString('en-US');
  assert.is(
    lines[0],
    `limitMemory: the call's increment (exit - entry) was ${mib} MiB (${bytes} bytes), over the limit of 1.0 MiB (1,000,000 bytes)`,
  );
  assert.is(lines[2], "Line by line (backend 'exact'; one profiled call):");
  // The whole call's figure may carry V8's first-call work (7.6 or 7.7 MiB); the table's line is exact.
  // The table: memory_profiler's, for the profiled function, with the big line's 7.6 MiB.
  assert.ok(lines[4].startsWith('Filename: ') && lines[4].endsWith('fixture.ts'), lines[4]);
  assert.is(lines[6], 'Line #    Mem usage    Increment  Occurrences   Line Contents');
  const bigLine = lines.find((l) => l.endsWith('const big = new Array(n).fill(1);'))!;
  assert.match(bigLine, /^ {4}14 +[\d.]+ MiB +7\.6 MiB +1 {3}/);
  const smallLine = lines.find((l) => l.endsWith('const small = new Array(10).fill(0);'))!;
  // Its 80 bytes show as 0.0 MiB, unless V8's own work of this early call landed on it (a few hundred KB).
  assert.match(smallLine, /^ {4}13 +[\d.]+ MiB +-?0\.\d MiB +1 {3}/);
});

test('increment and peak: a line that allocates and drops 7.6 MiB keeps nothing but peaks', () => {
  const { outcomes } = runBudgets();
  assert.equal(outcomes.spikeIncrement, { value: 1e6 });
  const peak = outcomes.spikePeak;
  assert.is(peak.name, 'AssertionError');
  assert.is(peak.expected, 1e6);
  assert.ok(Math.abs(peak.actual! - ARRAY) < 0.01 * ARRAY, String(peak.actual));
  assert.match(peak.message!, /^limitMemory: the call's peak \(highest reading - entry\) was 7\.\d MiB/);
  assert.match(peak.message!, /\n {4}21 +[\d.]+ MiB +-7\.6 MiB +1 {3}    big = null;\n/);
  assert.equal(outcomes.spikeBoth, { value: 1e6 });
});

test('a plain function: the increment is still checked, and the message says how to get lines', () => {
  const source = `import { limitMemory } from 'ts-memory-profiler/testing';
const keep: unknown[] = [];
${OUTCOME}
export function main() {
  // 80 KB under a 1 MB budget: far enough below it that V8's own first-call work (compiling, a few
  // hundred KB at most in 'exact') cannot push it over.
  return [
    outcome(() => limitMemory(() => keep.push(new Float64Array(1e4)), { increment: '1 MB' })),
    outcome(() => limitMemory(() => keep.push(new Float64Array(1e6)), { increment: '1 MB' })),
  ];
}
`;
  const [under, over] = runInChild(compile(source)).value as Outcome[];
  assert.equal(under, { value: 1 });
  assert.is(over.name, 'AssertionError');
  // The retained 8,000,000 bytes, give or take what V8 did in this first run of the function (its
  // compiling kept up to a few hundred KB; older garbage it let go of, some tens of KB).
  assert.ok(over.actual! > 8e6 - 2 ** 18 && over.actual! < 8e6 + 2 ** 20, String(over.actual));
  assert.match(
    over.message!,
    /\n\nNo profiled code ran inside the call, so there is no line-by-line table: write its body as profile\(function \(\) \{\.\.\.\}\)/,
  );
});

test('an async fn: a promise of its value, rejected with the AssertionError over budget', () => {
  const source = `import { profile } from 'ts-memory-profiler';
import { limitMemory } from 'ts-memory-profiler/testing';
const keep: unknown[] = [];
const load = profile(async function load(n: number) {
  await new Promise((resolve) => setTimeout(resolve, 1));
  keep.push(new Array(n).fill(1));
  return n;
});
export function main() {
  // One at a time: limitMemory's settings are the process's while it runs.
  const under = limitMemory(() => load(10), { increment: '1 MB' });
  const over = under.then(() => limitMemory(() => load(1e6), { increment: '1 MB' }));
  Promise.all([under, over.catch((e: any) => e.name + ' ' + e.message.split('\\n')[0] + ' / ' + /^.*keep\\.push.*$/m.exec(e.message)![0])]).then((r) =>
    console.log('SETTLED ' + JSON.stringify(r)),
  );
}
`;
  const value = settledInChild(compile(source));
  const [under, over] = value as [number, string];
  assert.is(under, 10);
  assert.match(
    over,
    /^AssertionError limitMemory: the call's increment \(exit - entry\) was 7\.\d MiB .* \/ {6}6 +[\d.]+ MiB +7\.6 MiB +1 {3}  keep\.push/,
  );
});

test('works in node:test too: the test fails with the table in its output', () => {
  const dir = writeProject({
    'budget.test.js': `const { test } = require('node:test');
const { limitMemory } = require('ts-memory-profiler/testing');
const keep = [];
test('stays small', () => limitMemory(() => keep.push(new Float64Array(1e3)), { increment: '1 MB' }));
test('grows too much', () => limitMemory(() => keep.push(new Float64Array(1e6)), { increment: '1 MB' }));
`,
  });
  let output = '';
  try {
    // TAP named: Node 23+ defaults to the spec reporter.
    execFileSync(process.execPath, ['--test', '--test-reporter=tap', path.join(dir, 'budget.test.js')], {
      encoding: 'utf8',
      stdio: 'pipe',
    });
    assert.unreachable('the over-budget test should fail');
  } catch (error) {
    output = (error as { stdout: string }).stdout;
  }
  assert.match(output, /# pass 1\n/);
  assert.match(output, /# fail 1\n/);
  assert.match(output, /not ok 2 - grows too much/);
  // 8,000,000 bytes and a little of V8's own first-call work: 7.6 MiB, now and then 7.7.
  assert.match(output, /limitMemory: the call's increment \(exit - entry\) was 7\.\d MiB \([\d,]+ bytes\), over the limit of 1\.0 MiB/);
});

test('sizes: bytes, or a number with B, KB/MB/GB (1000^n) or KiB/MiB/GiB (1024^n)', () => {
  const cases: Array<[number | string, number]> = [
    [0, 0],
    [1234.5, 1234.5],
    ['10 MB', 10e6],
    ['10MB', 10e6],
    ['1.5 kb', 1500],
    ['2 GiB', 2 * 2 ** 30],
    ['64 KiB', 65536],
    ['.5 MiB', 2 ** 19],
    ['3 B', 3],
    ['1 GB', 1e9],
  ];
  for (const [given, bytes] of cases) assert.is(parseBytes(given), bytes, String(given));
  assert.throws(
    () => parseBytes('ten MB'),
    (e: unknown) => e instanceof TypeError && /^ts-memory-profiler: parseBytes: option 'size' must be a number of bytes/.test(e.message),
  );
});

test('bad limits are TypeErrors naming the option, and fn does not run', () => {
  let calls = 0;
  const fn = () => calls++;
  const cases: Array<[unknown, unknown, RegExp]> = [
    [
      fn,
      { increment: '10 XB' },
      /limitMemory: option 'increment' must be a number of bytes \(>= 0\) or a size such as '10 MB' \(units B, KB, MB, GB = 1000\^n, KiB, MiB, GiB = 1024\^n\), got "10 XB"$/,
    ],
    [fn, { peak: -1 }, /option 'peak' must be a number of bytes .*, got -1$/],
    [fn, { peak: NaN }, /option 'peak' must be .*, got NaN$/],
    [fn, { increment: 'MB' }, /option 'increment' must be .*, got "MB"$/],
    [fn, { increment: '10' }, /option 'increment' must be .*, got "10"$/],
    [fn, { increment: '1 constructor' }, /option 'increment' must be .*, got "1 constructor"$/],
    [fn, { increment: null }, /option 'increment' must be .*, got null$/],
    [fn, {}, /limitMemory: give option 'increment', 'peak' or 'baseline'/],
    [
      fn,
      { incremnt: '1 MB' },
      /limitMemory: unknown option 'incremnt' \(the options are 'increment', 'peak', 'baseline', 'tolerance', 'update'\)/,
    ],
    [fn, '10 MB', /limitMemory: the limits must be an object such as \{ increment: '10 MB' \}, got "10 MB"/],
    [fn, undefined, /the limits must be an object .*, got undefined/],
    [42, { increment: 1 }, /limitMemory: 'fn' must be a function, got 42/],
  ];
  for (const [f, limits, message] of cases) {
    assert.throws(
      () => limitMemory(f as () => number, limits as never),
      (e: unknown) => e instanceof TypeError && message.test(e.message),
      String(message),
    );
  }
  assert.is(calls, 0);
});

test.run();
