/**
 * The charging table, line by line: which line each construct is charged to and how often, in both
 * decorator modes. Each case lists every [line, occurrences] pair of the report, so a missing, wrong
 * or extra charge fails.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, occurrences, run, runInChild } from './helpers/compile';

/** `body` is the method body; line numbers below count from the file's first line (the import). */
function fixture(body: string, extra = ''): string {
  return `import { profile } from 'ts-memory-profiler';
declare function log(...values: unknown[]): void;
class Subject {
  @profile
  method(): unknown {
${body}
  }
${extra}}
export function main() {
  return new Subject().method();
}
`;
}

// Line 4 is @profile (entry, occurrences 1); the body starts at line 6.
const CASES: Array<[string, string, Array<[number, number]>]> = [
  [
    'expression, declaration and return: their line, once each',
    `    let a = 1;
    a += 2;
    return a;`,
    [
      [4, 1],
      [6, 1],
      [7, 1],
      [8, 1],
    ],
  ],
  [
    'a multi-line statement is charged to its first line',
    `    const value = [
      1,
      2,
    ].length;
    return value;`,
    [
      [4, 1],
      [6, 1],
      [10, 1],
    ],
  ],
  [
    'two statements on one line count two per pass',
    `    let a = 0; let b = 0;
    a++; b++;
    return a + b;`,
    [
      [4, 1],
      [6, 2],
      [7, 2],
      [8, 1],
    ],
  ],
  [
    'if / else with braces: the if line per evaluation, the untaken branch has no row',
    `    const n = 2;
    if (n > 1) {
      log('big');
    } else {
      log('small');
    }
    return n;`,
    [
      [4, 1],
      [6, 1],
      [7, 1],
      [8, 1],
      [12, 1],
    ],
  ],
  [
    'if / else without braces, and an else-if chain: each if line once per evaluation',
    `    const n = 3;
    if (n === 1) log(1);
    else if (n === 2) log(2);
    else if (n === 3) log(3);
    else log(4);
    return n;`,
    [
      [4, 1],
      [6, 1],
      [7, 1],
      [8, 1],
      [9, 2],
      [11, 1],
    ],
  ],
  [
    'for (;;) over 5 items: header 6, body 5',
    `    let total = 0;
    for (let i = 0; i < 5; i++) {
      total += i;
    }
    return total;`,
    [
      [4, 1],
      [6, 1],
      [7, 6],
      [8, 5],
      [10, 1],
    ],
  ],
  [
    'for without a test or an update: header = iterations + 1 until break',
    `    let i = 0;
    for (;;) {
      if (i === 3) break;
      i++;
    }
    return i;`,
    // line 8: four tests of the if, and the break.
    [
      [4, 1],
      [6, 1],
      [7, 4],
      [8, 4 + 1],
      [9, 3],
      [11, 1],
    ],
  ],
  [
    'while over 5 iterations: header 6',
    `    let i = 0;
    while (i < 5) {
      i++;
    }
    return i;`,
    [
      [4, 1],
      [6, 1],
      [7, 6],
      [8, 5],
      [10, 1],
    ],
  ],
  [
    'do...while: charged to the while (c) line once per evaluation, the do line has no row',
    `    let i = 0;
    do {
      i++;
    } while (i < 5);
    return i;`,
    [
      [4, 1],
      [6, 1],
      [8, 5],
      [9, 5],
      [10, 1],
    ],
  ],
  [
    'for...of over 5 items: header 6 (each step, the ending one included)',
    `    let total = 0;
    for (const x of [1, 2, 3, 4, 5]) {
      total += x;
    }
    return total;`,
    [
      [4, 1],
      [6, 1],
      [7, 6],
      [8, 5],
      [10, 1],
    ],
  ],
  [
    'for...in over 5 keys: header 6',
    `    let keys = '';
    for (const k in { a: 1, b: 2, c: 3, d: 4, e: 5 }) {
      keys += k;
    }
    return keys;`,
    [
      [4, 1],
      [6, 1],
      [7, 6],
      [8, 5],
      [10, 1],
    ],
  ],
  [
    'break out of a for...of: the header counts only the steps taken',
    `    for (const x of [1, 2, 3, 4, 5]) {
      if (x === 3) break;
    }
    return 0;`,
    // line 7: three tests of the if, and the break.
    [
      [4, 1],
      [6, 3],
      [7, 3 + 1],
      [9, 1],
    ],
  ],
  [
    'continue in a for...of, a for and a while: headers stay iterations + 1',
    `    let n = 0;
    for (const x of [1, 2, 3, 4]) {
      if (x % 2 === 0) continue;
      n++;
    }
    for (let i = 0; i < 4; i++) {
      if (i % 2 === 0) continue;
    }
    let j = 0;
    while (j < 4) {
      j++;
      if (j % 2 === 0) continue;
    }
    return n;`,
    [
      [4, 1],
      [6, 1],
      [7, 5],
      [8, 4 + 2],
      [9, 2],
      [11, 5],
      [12, 4 + 2],
      [14, 1],
      [15, 5],
      [16, 4],
      [17, 4 + 2],
      [19, 1],
    ],
  ],
  [
    'labeled continue across nested loops: the outer header counts each outer step once',
    `    let pairs = 0;
    outer: for (const x of [1, 2, 3]) {
      for (const y of [1, 2, 3]) {
        if (y === 2) continue outer;
        pairs++;
      }
    }
    return pairs;`,
    // outer: 1 + 3 steps; inner: per x, 1 + 1 completed step (y = 1), left by continue at y = 2.
    // line 9: per x, y = 1 and y = 2 tested (2) + the continue (1).
    [
      [4, 1],
      [6, 1],
      [7, 4],
      [8, 6],
      [9, 9],
      [10, 3],
      [13, 1],
    ],
  ],
  [
    'a labeled block with break label: no row for the label',
    `    let n = 0;
    block: {
      n++;
      if (n === 1) break block;
      n = 100;
    }
    return n;`,
    [
      [4, 1],
      [6, 1],
      [8, 1],
      [9, 2],
      [12, 1],
    ],
  ],
  [
    'switch: the switch line per evaluation, each case line per test, fall-through and default',
    `    const key: string = 'c';
    let hits = 0;
    switch (key) {
      case 'a':
        hits += 1;
      case 'b':
        hits += 2;
      default:
        hits += 3;
      case 'c':
        hits += 4;
      case 'd':
        hits += 5;
        break;
    }
    return hits;`,
    // 'a', 'b', 'c' are tested (c matches); 'd' is reached by fall-through, never tested.
    [
      [4, 1],
      [6, 1],
      [7, 1],
      [8, 1],
      [9, 1],
      [11, 1],
      [15, 1],
      [16, 1],
      [18, 1],
      [19, 1],
      [21, 1],
    ],
  ],
  [
    'try/catch/finally: the catch line once per entry; try and finally lines have no row',
    `    let n = 0;
    try {
      n++;
      throw new Error('x');
    } catch (e) {
      n += 10;
    } finally {
      n += 100;
    }
    return n;`,
    [
      [4, 1],
      [6, 1],
      [8, 1],
      [9, 1],
      [10, 1],
      [11, 1],
      [13, 1],
      [15, 1],
    ],
  ],
  [
    'return inside try with a finally: both charged, the line after never runs',
    `    try {
      return 1;
    } finally {
      log('finally');
    }`,
    [
      [4, 1],
      [7, 1],
      [9, 1],
    ],
  ],
  [
    'a hoisted function declaration: no row for its header, its body charged when called',
    `    const r = helper(2) + helper(3);
    return r;
    function helper(x: number) {
      return x * 2;
    }`,
    [
      [4, 1],
      [6, 1],
      [7, 1],
      [9, 2],
    ],
  ],
  [
    'a callback on its own line: once per element; an inline one shares the call line',
    `    const doubled = [1, 2, 3].map((x) => x * 2);
    const tripled = [1, 2, 3].map((x) =>
      x * 3,
    );
    return doubled.length + tripled.length;`,
    [
      [4, 1],
      [6, 1 + 3],
      [7, 1],
      [8, 3],
      [10, 1],
    ],
  ],
  [
    'a nested function expression called twice: its lines once per call',
    `    const f = function (x: number) {
      const y = x + 1;
      return y;
    };
    return f(1) + f(2);`,
    [
      [4, 1],
      [6, 1],
      [7, 2],
      [8, 2],
      [10, 1],
    ],
  ],
  [
    'throw: charged to its line, and the report is still written',
    `    const n = 1;
    if (n) throw new Error('boom');
    return n;`,
    [
      [4, 1],
      [6, 1],
      [7, 2],
    ],
  ],
];

for (const legacy of [false, true]) {
  const mode = legacy ? 'legacy' : 'TC39';
  for (const [name, body, expected] of CASES) {
    test(`${mode}: ${name}`, () => {
      const result = run(compile(fixture(body), { legacy }));
      assert.is(result.reports.length, 1, 'one report');
      assert.equal(occurrences(result.reports[0]), expected);
    });
  }
}

test('the report covers the first decorator line to the closing brace, source verbatim', () => {
  const source = fixture('    return 1;');
  const [report] = run(compile(source)).reports;
  const lines = source.split('\n');
  assert.equal(
    report.lines.map((l) => [l.line, l.source]),
    lines.slice(3, 7).map((text, i) => [4 + i, text]),
  );
});

test('a closure that runs after its method returned records nothing and writes no report', () => {
  const source = `import { profile } from 'ts-memory-profiler';
class Maker {
  @profile
  make(): () => number {
    let n = 0;
    return () => {
      n++;
      return n;
    };
  }
}
export function main() {
  const counter = new Maker().make();
  return [counter(), counter()];
}
`;
  const result = run(compile(source));
  assert.equal(result.value, [1, 2]);
  assert.is(result.reports.length, 1);
  assert.equal(occurrences(result.reports[0]), [
    [3, 1],
    [5, 1],
    [6, 1],
  ]);
});

test('a profiled method calling another: two reports, the callee first, each with its own lines', () => {
  const source = `import { profile } from 'ts-memory-profiler';
class Pair {
  @profile
  outer(): number {
    const a = this.inner();
    return a + 1;
  }
  @profile
  inner(): number {
    return 41;
  }
}
export function main() {
  return new Pair().outer();
}
`;
  const result = run(compile(source));
  assert.is(result.value, 42);
  assert.equal(
    result.reports.map((r) => r.name),
    ['Pair.inner', 'Pair.outer'],
  );
  assert.equal(occurrences(result.reports[0]), [
    [8, 1],
    [10, 1],
  ]);
  assert.equal(occurrences(result.reports[1]), [
    [3, 1],
    [5, 1],
    [6, 1],
  ]);
});

test('the rest of a calling line is charged to it again when a callback returns', () => {
  const source = `import { profile } from 'ts-memory-profiler';
class Back {
  @profile({ backend: 'exact' })
  run(): number {
    const big = [1, 2, 3].map((x) => {
      return x;
    }).concat(new Array(1e6).fill(0));
    return big.length;
  }
}
export function main() {
  const back = new Back();
  for (let i = 0; i < 5; i++) back.run();
}
`;
  // In 'exact', the first calls also show V8 compiling the callback (and its optimising compiler may
  // finish during a later one): one of the later calls shows the lines alone.
  const later = runInChild(compile(source)).reports.slice(2);
  const figures = later.map((report) => [5, 6].map((n) => report.lines.find((l) => l.line === n)!.incrementBytes!));
  // The 8 MB array is made after the last callback returned: the calling line's work, not line 6's.
  assert.ok(
    figures.some(([five, six]) => five > 7_900_000 && Math.abs(six) < 10_000),
    JSON.stringify(figures),
  );
});

test.run();
