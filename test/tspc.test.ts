/**
 * The real build path a user has: tspc (ts-patch) reading the plugin line from tsconfig.json,
 * in CommonJS and ESM projects, with TC39 and legacy decorators.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, blankRow, maskFigures, tableTop, writeProject } from './helpers/compile';

const TSPC = path.join(ROOT, 'node_modules', '.bin', 'tspc');

const PROGRAM = `import { profile } from 'ts-memory-profiler';

class Demo {
  @profile
  myFunc(): number[] {
    const a = new Array(10 ** 6).fill(1);
    return a;
  }
}

console.log(new Demo().myFunc().length);
`;

function tsconfig(esm: boolean, legacy: boolean): string {
  return JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: esm ? 'nodenext' : 'commonjs',
      strict: true,
      outDir: 'out',
      rootDir: 'src',
      types: ['node'],
      skipLibCheck: true,
      experimentalDecorators: legacy,
      plugins: [{ transform: 'ts-memory-profiler/transformer' }],
    },
    include: ['src'],
  });
}

const EXPECTED = (file: string) =>
  [
    ...tableTop(file),
    '     4      N.N MiB      N.N MiB           1     @profile',
    blankRow(5, '  myFunc(): number[] {'),
    '     6      N.N MiB      N.N MiB           1       const a = new Array(10 ** 6).fill(1);',
    '     7      N.N MiB      N.N MiB           1       return a;',
    blankRow(8, '  }'),
    '',
    '',
    '1000000',
    '',
  ].join('\n');

for (const esm of [false, true]) {
  for (const legacy of [false, true]) {
    test(`tspc builds a ${esm ? 'ESM' : 'CommonJS'} project (${legacy ? 'experimentalDecorators' : 'TC39 decorators'}) that reports`, () => {
      const dir = writeProject({
        'package.json': JSON.stringify({ private: true, ...(esm ? { type: 'module' } : {}) }),
        'tsconfig.json': tsconfig(esm, legacy),
        'src/app.ts': PROGRAM,
      });
      execFileSync(TSPC, ['-p', dir], { cwd: dir, stdio: 'pipe' });
      const output = execFileSync(process.execPath, [path.join(dir, 'out', 'app.js')], { cwd: dir, encoding: 'utf8' });
      assert.fixture(maskFigures(output), EXPECTED(path.join('src', 'app.ts')));
    });
  }
}

test('tspc prints a diagnostic with file and line for @profile on a property, and fails', () => {
  const dir = writeProject({
    'package.json': '{"private":true}',
    'tsconfig.json': tsconfig(false, false),
    'src/app.ts': `import { profile } from 'ts-memory-profiler';\n\nclass Bad {\n  @profile\n  count = 1;\n}\nnew Bad();\n`,
  });
  const result = spawnSync(TSPC, ['-p', dir, '--pretty', 'false'], { cwd: dir, encoding: 'utf8' });
  assert.is(result.status, 2);
  assert.match(
    result.stdout,
    'src/app.ts(4,3): error TS990001: ts-memory-profiler: @profile can only decorate a method or a get/set accessor, not a property',
  );
});

test('tspc: /** @profile */ on a function declaration, in a file that imports nothing', () => {
  const dir = writeProject({
    'package.json': '{"private":true}',
    'tsconfig.json': tsconfig(false, false),
    'src/app.ts': `console.log(twice(21));

/** @profile {precision: 2} */
function twice(n: number): number {
  const doubled = n * 2;
  return doubled;
}
`,
  });
  execFileSync(TSPC, ['-p', dir], { cwd: dir, stdio: 'pipe' });
  const output = execFileSync(process.execPath, [path.join(dir, 'out', 'app.js')], { cwd: dir, encoding: 'utf8' });
  assert.fixture(
    maskFigures(output),
    [
      ...tableTop(path.join('src', 'app.ts')),
      '     3     N.NN MiB     N.NN MiB           1   /** @profile {precision: 2} */',
      blankRow(4, 'function twice(n: number): number {'),
      '     5     N.NN MiB     N.NN MiB           1     const doubled = n * 2;',
      '     6     N.NN MiB     N.NN MiB           1     return doubled;',
      blankRow(7, '}'),
      '',
      '',
      '42',
      '',
    ].join('\n'),
  );
});

test('the filename is relative to the working directory, absolute outside it', () => {
  const dir = writeProject({
    'package.json': '{"private":true}',
    'tsconfig.json': tsconfig(false, false),
    'src/app.ts': PROGRAM,
  });
  execFileSync(TSPC, ['-p', dir], { cwd: dir, stdio: 'pipe' });
  const inside = execFileSync(process.execPath, [path.join(dir, 'out', 'app.js')], { cwd: dir, encoding: 'utf8' });
  assert.match(inside, /^Filename: src\/app\.ts\n/);
  const outside = execFileSync(process.execPath, [path.join(dir, 'out', 'app.js')], { cwd: path.join(dir, 'out'), encoding: 'utf8' });
  assert.match(outside, `Filename: ${path.join(dir, 'src', 'app.ts')}\n`);
});

// A script (no import or export) with `/** @profile */`: no import is needed, and the program must run
// as it would without the tag, whatever the package.json says. `this` in a plain call tells sloppy
// mode (a script compiled without "use strict") from a module's strict mode.
const SCRIPT = `const os = require('os');

/** @profile */
function twice(n: number): number {
  const doubled = n * 2;
  return doubled;
}

function sloppy(this: unknown): boolean {
  return this !== undefined;
}

console.log(twice(21), typeof os.cpus, sloppy());
`;

function scriptProject(type: 'commonjs' | undefined, profiled: boolean): string {
  return writeProject({
    'package.json': JSON.stringify({ private: true, ...(type ? { type } : {}) }),
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'commonjs',
        outDir: 'out',
        rootDir: 'src',
        types: ['node'],
        skipLibCheck: true,
        plugins: [{ transform: 'ts-memory-profiler/transformer' }],
      },
      include: ['src'],
    }),
    'src/app.ts': profiled ? SCRIPT : SCRIPT.replace('@profile', '@notes'),
  });
}

for (const type of ['commonjs', undefined] as const) {
  test(`tspc, module commonjs: a script with /** @profile */ and require() runs as without the tag (package.json type ${type ?? 'unset'})`, () => {
    const plain = scriptProject(type, false);
    execFileSync(TSPC, ['-p', plain], { cwd: plain, stdio: 'pipe' });
    const expected = execFileSync(process.execPath, [path.join(plain, 'out', 'app.js')], { cwd: plain, encoding: 'utf8' });
    assert.is(expected, '42 function true\n');

    const dir = scriptProject(type, true);
    execFileSync(TSPC, ['-p', dir], { cwd: dir, stdio: 'pipe' });
    const js = fs.readFileSync(path.join(dir, 'out', 'app.js'), 'utf8');
    assert.not.match(js, /^\s*import\b/m, 'no ES import in CommonJS output');
    assert.not.match(js, /\bexports\b|use strict/, 'the script stays a script');
    const result = spawnSync(process.execPath, [path.join(dir, 'out', 'app.js')], { cwd: dir, encoding: 'utf8' });
    assert.is(result.stderr, '');
    assert.is(result.status, 0);
    assert.ok(result.stdout.startsWith('Filename: src/app.ts\n'), result.stdout);
    assert.ok(result.stdout.endsWith(`\n${expected}`), result.stdout);
  });
}

test('ts-mprof run: a CommonJS script with /** @profile */ and require() runs and reports', () => {
  const run = (source: string) => {
    const dir = writeProject({ 'package.json': JSON.stringify({ private: true, type: 'commonjs' }), 'app.ts': source });
    return spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli', 'main.js'), 'run', 'app.ts'], { cwd: dir, encoding: 'utf8' });
  };
  const plain = run(SCRIPT.replace('@profile', '@notes'));
  assert.is(plain.status, 0);
  const result = run(SCRIPT);
  // Only what the plain run writes too (Node 26 warns that the loader's module.register() is deprecated).
  const pidless = (text: string) => text.replace(/\(node:\d+\)/g, '(node)');
  assert.is(pidless(result.stderr), pidless(plain.stderr));
  assert.is(result.status, 0);
  assert.ok(result.stdout.startsWith('Filename: app.ts\n'), result.stdout);
  assert.ok(result.stdout.endsWith(`\n${plain.stdout}`), result.stdout);
});

test('tspc, module nodenext, "type": "module": a script with /** @profile */ gets an import and runs as the ES module it is', () => {
  const dir = writeProject({
    'package.json': JSON.stringify({ private: true, type: 'module' }),
    'tsconfig.json': tsconfig(true, false),
    'src/app.ts': 'console.log(twice(21));\n\n/** @profile */\nfunction twice(n: number): number {\n  return n * 2;\n}\n',
  });
  execFileSync(TSPC, ['-p', dir], { cwd: dir, stdio: 'pipe' });
  assert.match(fs.readFileSync(path.join(dir, 'out', 'app.js'), 'utf8'), /^import \* as __mp_1 from "ts-memory-profiler";$/m);
  const output = execFileSync(process.execPath, [path.join(dir, 'out', 'app.js')], { cwd: dir, encoding: 'utf8' });
  assert.ok(output.startsWith('Filename: src/app.ts\n') && output.endsWith('\n42\n'), output);
});

test('the build holds no absolute path: two checkouts build the same JavaScript, and a moved build reports where its sources now are', () => {
  const files = {
    'package.json': '{"private":true}',
    'tsconfig.json': tsconfig(false, false),
    'src/app.ts': PROGRAM,
    'src/lib/tool.ts': PROGRAM,
  };
  const first = writeProject(files);
  const second = writeProject(files);
  for (const dir of [first, second]) execFileSync(TSPC, ['-p', dir], { cwd: dir, stdio: 'pipe' });
  for (const js of ['app.js', path.join('lib', 'tool.js')]) {
    const a = fs.readFileSync(path.join(first, 'out', js), 'utf8');
    assert.not.ok(a.includes(first), `${js} holds no absolute path`);
    assert.is(a, fs.readFileSync(path.join(second, 'out', js), 'utf8'), `${js} is the same in both checkouts`);
  }
  // The build copied to another machine's directory, its build directory gone.
  const moved = `${first}-moved`;
  fs.renameSync(first, moved);
  const run = (js: string, cwd: string) => execFileSync(process.execPath, [path.join(moved, 'out', js)], { cwd, encoding: 'utf8' });
  assert.match(run('app.js', moved), /^Filename: src\/app\.ts\n/);
  assert.match(run(path.join('lib', 'tool.js'), moved), /^Filename: src\/lib\/tool\.ts\n/);
  assert.match(run('app.js', path.join(moved, 'out')), `Filename: ${path.join(moved, 'src', 'app.ts')}\n`);
});

test.run();
