/**
 * `ts-mprof run app.ts`: a TypeScript program run with every `@profile` instrumented, no plugin and no
 * build, in CommonJS and ESM projects, both decorator modes (from the project's tsconfig.json).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Report } from 'ts-memory-profiler';
import { ROOT, blankRow, maskFigures, tableTop, writeProject } from './helpers/compile';

const MAIN = path.join(ROOT, 'dist', 'cli', 'main.js');

function tsmprof(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [MAIN, ...args], { cwd: dir, encoding: 'utf8' });
}

function tsconfig(legacy: boolean): string {
  return JSON.stringify({ compilerOptions: { target: 'ES2022', strict: true, experimentalDecorators: legacy } });
}

// `./util.js` names util.ts, as TypeScript allows; the program's arguments and exit code are its own.
const APP = `import { profile } from 'ts-memory-profiler';
import { size } from './util.js';

class Demo {
  @profile
  myFunc(): number[] {
    const a = new Array(size()).fill(1);
    return a;
  }
}

console.log(new Demo().myFunc().length, JSON.stringify(process.argv.slice(2)));
process.exitCode = 3;
`;
const UTIL = `export function size(): number {\n  return 10 ** 5;\n}\n`;

const REPORT = [
  ...tableTop(path.join('src', 'app.ts')),
  '     5      N.N MiB      N.N MiB           1     @profile',
  blankRow(6, '  myFunc(): number[] {'),
  '     7      N.N MiB      N.N MiB           1       const a = new Array(size()).fill(1);',
  '     8      N.N MiB      N.N MiB           1       return a;',
  blankRow(9, '  }'),
  '',
  '',
  '',
].join('\n');

for (const esm of [false, true]) {
  for (const legacy of [false, true]) {
    test(`runs a ${esm ? 'ESM' : 'CommonJS'} program (${legacy ? 'experimentalDecorators' : 'TC39 decorators'}) with its arguments and exit code`, () => {
      const dir = writeProject({
        'package.json': JSON.stringify({ private: true, ...(esm ? { type: 'module' } : {}) }),
        'tsconfig.json': tsconfig(legacy),
        'src/app.ts': APP,
        'src/util.ts': UTIL,
      });
      const result = tsmprof(dir, 'run', 'src/app.ts', '--precision', '2', 'x');
      assert.is(result.stderr, '');
      assert.fixture(maskFigures(result.stdout), `${REPORT}100000 ["--precision","2","x"]\n`);
      assert.is(result.status, 3);
    });
  }
}

test("compiles with the package's own TypeScript when the project has TypeScript 7 installed", () => {
  const dir = writeProject({
    'package.json': '{"private":true}',
    // TypeScript 7 as npm installs it: no lib/typescript.js, no JavaScript API.
    'node_modules/typescript/package.json': JSON.stringify({ name: 'typescript', version: '7.0.0', main: './lib/typescript.js' }),
    'src/app.ts': APP.replace('process.exitCode = 3;', "console.log(require('typescript/package.json').version);"),
    'src/util.ts': UTIL,
  });
  const result = tsmprof(dir, 'run', 'src/app.ts');
  assert.is(result.stderr, '');
  assert.fixture(maskFigures(result.stdout), `${REPORT}100000 []\n7.0.0\n`);
  assert.is(result.status, 0);
});

test('--format json --backend exact --precision 3 -o FILE: JSON reports appended to FILE, the program output on stdout', () => {
  const dir = writeProject({ 'src/app.ts': APP, 'src/util.ts': UTIL, 'reports.jsonl': 'an earlier line\n' });
  const result = tsmprof(dir, 'run', '--format', 'json', '--backend=exact', '--precision', '3', '-o', 'reports.jsonl', 'src/app.ts');
  assert.is(result.stderr, '');
  assert.is(result.stdout, '100000 []\n');
  const [earlier, ...lines] = fs.readFileSync(path.join(dir, 'reports.jsonl'), 'utf8').trimEnd().split('\n');
  assert.is(earlier, 'an earlier line');
  assert.is(lines.length, 1);
  const report = JSON.parse(lines[0]) as Report;
  assert.equal([report.file, report.name, report.backend, report.precision], [path.join('src', 'app.ts'), 'Demo.myFunc', 'exact', 3]);
  assert.equal(
    report.lines.map((l) => [l.line, l.occurrences]),
    [
      [5, 1],
      [6, 0],
      [7, 1],
      [8, 1],
      [9, 0],
    ],
  );
});

test('--aggregate: one table per method at exit, summed over its calls', () => {
  const dir = writeProject({
    'src/app.ts': `import { profile } from 'ts-memory-profiler';

class Work {
  @profile
  fill(n: number): number {
    const a = new Array(n).fill(1);
    let s = 0;
    for (const x of a) s += x;
    return s;
  }
}

const work = new Work();
for (let i = 1; i <= 3; i++) console.log(work.fill(1000 * i));
`,
  });
  const result = tsmprof(dir, 'run', '--aggregate', 'src/app.ts');
  assert.is(result.stderr, '');
  assert.fixture(
    maskFigures(result.stdout),
    [
      '1000',
      '2000',
      '3000',
      ...tableTop(path.join('src', 'app.ts')),
      '     4      N.N MiB      N.N MiB           3     @profile',
      blankRow(5, '  fill(n: number): number {'),
      '     6      N.N MiB      N.N MiB           3       const a = new Array(n).fill(1);',
      '     7      N.N MiB      N.N MiB           3       let s = 0;',
      // 1001 + 2001 + 3001 loop steps and 1000 + 2000 + 3000 additions, all on this line.
      '     8      N.N MiB      N.N MiB       12003       for (const x of a) s += x;',
      '     9      N.N MiB      N.N MiB           3       return s;',
      blankRow(10, '  }'),
      '',
      '',
      '',
    ].join('\n'),
  );
});

test('a bad @profile option in the program: the file(line,col) error, exit 1, the program does not run', () => {
  const dir = writeProject({ 'src/app.ts': APP.replace('  @profile\n', '  @profile({ precision: 11 })\n') });
  const result = tsmprof(dir, 'run', 'src/app.ts');
  assert.is(result.stdout, '');
  assert.is(
    result.stderr,
    "src/app.ts(5,25): error TS990003: ts-memory-profiler: @profile option 'precision' must be an integer from 0 to 10, got 11\n",
  );
  assert.is(result.status, 1);
});

// JSX with no React: `jsxFactory` names a function of the program's own.
const VIEW = `export function h(tag: string, props: Record<string, unknown> | null, ...children: unknown[]): string {
  return \`<\${tag}>\${children.join('')}</\${tag}>\`;
}

export function label(text: string): string {
  return <b>{text}</b>;
}
`;
const TSX_APP = `import { profile } from 'ts-memory-profiler';
import { h, label } from './view.js';

class Page {
  @profile
  render(n: number): string {
    const items = Array.from({ length: n }, (_, i) => <li>{label(String(i))}</li>);
    return <ul>{items.join('')}</ul>;
  }
}

console.log(new Page().render(2));
`;

for (const esm of [false, true]) {
  test(`runs a .tsx ${esm ? 'ESM' : 'CommonJS'} program importing another .tsx file, with the tsconfig's jsx`, () => {
    const dir = writeProject({
      'package.json': JSON.stringify({ private: true, ...(esm ? { type: 'module' } : {}) }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', jsx: 'react', jsxFactory: 'h' } }),
      'src/app.tsx': TSX_APP,
      'src/view.tsx': VIEW,
    });
    const result = tsmprof(dir, 'run', 'src/app.tsx');
    assert.is(result.stderr, '');
    assert.fixture(
      maskFigures(result.stdout),
      [
        ...tableTop(path.join('src', 'app.tsx')),
        '     5      N.N MiB      N.N MiB           1     @profile',
        blankRow(6, '  render(n: number): string {'),
        // The statement, and the arrow's body twice.
        '     7      N.N MiB      N.N MiB           3       const items = Array.from({ length: n }, (_, i) => <li>{label(String(i))}</li>);',
        "     8      N.N MiB      N.N MiB           1       return <ul>{items.join('')}</ul>;",
        blankRow(9, '  }'),
        '',
        '',
        '<ul><li><b>0</b></li><li><b>1</b></li></ul>',
        '',
      ].join('\n'),
    );
    assert.is(result.status, 0);
  });
}

test('a .tsx program with JSX and no "jsx" in tsconfig.json: the tsc error at the first element, exit 1', () => {
  const dir = writeProject({ 'package.json': '{"private":true}', 'src/app.tsx': TSX_APP, 'src/view.tsx': VIEW });
  const result = tsmprof(dir, 'run', 'src/app.tsx');
  assert.is(result.stdout, '');
  assert.is(result.stderr, "src/app.tsx(7,55): error TS17004: Cannot use JSX unless the '--jsx' flag is provided.\n");
  assert.is(result.status, 1);
});

test('"jsx": "preserve" (JSX left for another tool): one line saying what to set, exit 1', () => {
  const dir = writeProject({
    'package.json': '{"private":true,"type":"module"}',
    'tsconfig.json': JSON.stringify({ compilerOptions: { jsx: 'preserve' } }),
    'src/app.tsx': TSX_APP,
    'src/view.tsx': VIEW,
  });
  const result = tsmprof(dir, 'run', 'src/app.tsx');
  assert.is(result.stdout, '');
  assert.is(
    result.stderr,
    'src/app.tsx(7,55): error: ts-memory-profiler: "jsx": "preserve" leaves the JSX for another tool, and Node cannot run it: set "jsx" to "react-jsx" or "react" in tsconfig.json\n',
  );
  assert.is(result.status, 1);
});

test("the program runs with V8's optimizing compilers on the main thread (README, Known limits)", () => {
  const dir = writeProject({ 'app.ts': 'console.log(JSON.stringify(process.execArgv.slice(0, 2)));\n' });
  const result = tsmprof(dir, 'run', 'app.ts');
  assert.is(result.stderr, '');
  assert.equal(JSON.parse(result.stdout), ['--no-concurrent-recompilation', '--import']);
  assert.is(result.status, 0);
});

test('a program that is not there: one line, exit 2', () => {
  const result = tsmprof(writeProject({ 'app.ts': APP }), 'run', 'missing.ts');
  assert.is(result.stderr, 'ts-mprof run: cannot find missing.ts\n');
  assert.is(result.status, 2);
});

const BAD_ARGUMENTS: Array<[string[], string]> = [
  [['run'], 'no program to run'],
  [['run', '--precision', '11', 'app.ts'], '--precision must be an integer from 0 to 10, got 11'],
  [['run', '--precision=two', 'app.ts'], '--precision must be an integer from 0 to 10, got "two"'],
  [['run', '--backend', 'vms', 'app.ts'], `--backend must be 'heap', 'rss' or 'exact', got "vms"`],
  [['run', '--format', 'csv', 'app.ts'], `--format must be 'text' or 'json', got "csv"`],
  [['run', '-o'], '-o needs a value'],
  [['run', '--aggregate=yes', 'app.ts'], '--aggregate takes no value'],
  [['run', '--verbose', 'app.ts'], "unknown option '--verbose'"],
];

for (const [args, message] of BAD_ARGUMENTS) {
  test(`ts-mprof ${args.join(' ')}: "${message}", the usage, exit 2`, () => {
    const result = tsmprof(writeProject({ 'app.ts': APP }), ...args);
    assert.is(result.stdout, '');
    assert.ok(result.stderr.startsWith(`ts-mprof run: ${message}\n\nusage: ts-mprof run [options] app.ts [args...]\n`), result.stderr);
    assert.is(result.status, 2);
  });
}

test.run();
