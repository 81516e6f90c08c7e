/**
 * Each build tool set-up of examples/hosts/<host>/, run through the real tool on a copy of the example
 * under .tmp: the built program prints the line-by-line report, and a bad `@profile` option fails the
 * build with the file and line. One decorator mode per host (TC39), plus Vite under
 * experimentalDecorators, where the plugin itself reads the mode from tsconfig.json.
 */
import { spawnSync, type SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, TMP, blankRow, maskFigures, tableTop } from './helpers/compile';

const EXAMPLES = path.join(ROOT, 'examples', 'hosts');
const BIN = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
const COPIES = path.join(TMP, `hosts-${process.pid}`);
// The node running the tests first on PATH: the tools' `#!/usr/bin/env node` (jest, tsc) runs under it too.
const ENV = {
  ...process.env,
  PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
  NO_COLOR: '1',
  FORCE_COLOR: '0',
};

let copies = 0;

/** A fresh copy of examples/hosts/<host> under .tmp (no out/ or node_modules/ of a local run). */
function copy(host: string): string {
  const dir = path.join(COPIES, `${copies++}-${host}`);
  fs.cpSync(path.join(EXAMPLES, host), dir, { recursive: true, filter: (from) => !/[\\/](out|node_modules)$/.test(from) });
  return dir;
}

function edit(file: string, from: string | RegExp, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`edit of ${file} changed nothing`);
  fs.writeFileSync(file, changed);
}

/** `@profile` -> `@profile({ precision: 11 })` on line 4 of src/app.ts: the option starts at column 25. */
function breakOptions(dir: string): void {
  edit(path.join(dir, 'src', 'app.ts'), /@profile$/m, '@profile({ precision: 11 })');
}

function exec(dir: string, command: string, args: string[]): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd: dir, encoding: 'utf8', env: ENV, maxBuffer: 16 * 2 ** 20 });
}

/** Runs a build step that must succeed, with its output in the failure message when it does not. */
function ok(dir: string, command: string, args: string[]): string {
  const result = exec(dir, command, args);
  if (result.status !== 0)
    throw new Error(`${path.basename(command)} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const REPORT =
  [
    ...tableTop(path.join('src', 'app.ts')),
    '     4      N.N MiB      N.N MiB           1     @profile',
    blankRow(5, '  myFunc(): number[] {'),
    '     6      N.N MiB      N.N MiB           1       const a = new Array(10 ** 6).fill(1);',
    '     7      N.N MiB      N.N MiB           1       return a;',
    blankRow(8, '  }'),
  ].join('\n') + '\n\n\n';

/** What src/app.ts prints: the report, then the array's length. */
const PROGRAM_OUTPUT = `${REPORT}1000000\n`;

const MESSAGE = "error TS990003: ts-memory-profiler: @profile option 'precision' must be an integer from 0 to 10, got 11";

/** The error as thrown where the host has no diagnostics channel: the absolute file, line and column. */
const thrown = (dir: string) => `${path.join(dir, 'src', 'app.ts')}(4,25): ${MESSAGE}`;

function runOutput(dir: string, file = path.join('out', 'app.js')): string {
  return ok(dir, process.execPath, [file]);
}

function assertFailed(result: SpawnSyncReturns<string>, expected: string): void {
  assert.is.not(result.status, 0, 'the build should fail');
  assert.ok(
    (result.stdout + result.stderr).includes(expected),
    `expected the output to include:\n${expected}\ngot:\n${result.stdout}\n${result.stderr}`,
  );
}

// tspc: ts-patch's live-patched tsc, the plugin line in tsconfig.json.

test('tspc: the example builds and reports', () => {
  const dir = copy('tspc');
  ok(dir, BIN('tspc'), ['-p', '.']);
  assert.fixture(maskFigures(runOutput(dir)), PROGRAM_OUTPUT);
});

test('tspc: a bad option is a tsc diagnostic with file and line', () => {
  const dir = copy('tspc');
  breakOptions(dir);
  assertFailed(exec(dir, BIN('tspc'), ['-p', '.', '--pretty', 'false']), `src/app.ts(4,25): ${MESSAGE}`);
});

// ts-patch install: plain tsc, patched in place, in a project of its own (never the repo's TypeScript).

let patched: string | undefined;

/** One copy with its own patched TypeScript (23 MB), shared by the two tests below: the second only breaks src/app.ts. */
function patchedProject(): string {
  if (patched) return patched;
  const dir = copy('ts-patch-install');
  fs.cpSync(path.join(ROOT, 'node_modules', 'typescript'), path.join(dir, 'node_modules', 'typescript'), { recursive: true });
  ok(dir, process.execPath, [
    path.join(ROOT, 'node_modules', 'ts-patch', 'bin', 'ts-patch.js'),
    'install',
    '-s',
    '--dir',
    path.join(dir, 'node_modules', 'typescript'),
  ]);
  return (patched = dir);
}

const isPatched = (typescriptDir: string) =>
  fs.readFileSync(path.join(typescriptDir, 'lib', 'typescript.js'), 'utf8').startsWith('/// tsp-module:');

test('ts-patch install: the patched plain tsc builds the example, which reports', () => {
  const dir = patchedProject();
  assert.ok(isPatched(path.join(dir, 'node_modules', 'typescript')), 'the copy is patched');
  assert.not.ok(isPatched(path.join(ROOT, 'node_modules', 'typescript')), "the repository's TypeScript is left alone");
  ok(dir, process.execPath, [path.join('node_modules', 'typescript', 'bin', 'tsc')]);
  assert.fixture(maskFigures(runOutput(dir)), PROGRAM_OUTPUT);
});

test('ts-patch install: a bad option is a tsc diagnostic with file and line', () => {
  const dir = patchedProject();
  breakOptions(dir);
  assertFailed(
    exec(dir, process.execPath, [path.join('node_modules', 'typescript', 'bin', 'tsc'), '--pretty', 'false']),
    `src/app.ts(4,25): ${MESSAGE}`,
  );
});

// ts-node: `transformers: { before: [before()] }` through `node -r ./register.js`.

test('ts-node (transformers option): the example runs and reports', () => {
  const dir = copy('ts-node');
  assert.fixture(maskFigures(ok(dir, process.execPath, ['-r', './register.js', path.join('src', 'app.ts')])), PROGRAM_OUTPUT);
});

test('ts-node (transformers option): a bad option stops the run with file and line', () => {
  const dir = copy('ts-node');
  breakOptions(dir);
  assertFailed(exec(dir, process.execPath, ['-r', './register.js', path.join('src', 'app.ts')]), thrown(dir));
});

// ts-node with `"ts-node": { "compiler": "ts-patch/compiler" }` and the plugin line in tsconfig.json.

function tsNodeWithTsPatch(): string {
  const dir = copy('ts-node');
  const tsconfig = JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'));
  tsconfig.compilerOptions.plugins = [{ transform: 'ts-memory-profiler/transformer' }];
  tsconfig['ts-node'] = { compiler: 'ts-patch/compiler' };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  return dir;
}

test('ts-node (compiler: ts-patch/compiler): the example runs and reports', () => {
  const dir = tsNodeWithTsPatch();
  assert.fixture(maskFigures(ok(dir, BIN('ts-node'), [path.join('src', 'app.ts')])), PROGRAM_OUTPUT);
});

test('ts-node (compiler: ts-patch/compiler): ts-node drops emit diagnostics, so a bad option is the TypeError at run time', () => {
  const dir = tsNodeWithTsPatch();
  breakOptions(dir);
  assertFailed(
    exec(dir, BIN('ts-node'), [path.join('src', 'app.ts')]),
    "TypeError: ts-memory-profiler: @profile: option 'precision' must be an integer from 0 to 10, got 11",
  );
});

// webpack + ts-loader: `getCustomTransformers: () => ({ before: [before()] })`.

test('webpack + ts-loader: the bundle reports', () => {
  const dir = copy('webpack');
  ok(dir, process.execPath, ['build.js']);
  assert.fixture(maskFigures(runOutput(dir)), PROGRAM_OUTPUT);
});

test('webpack + ts-loader: a bad option fails the build with file and line', () => {
  const dir = copy('webpack');
  breakOptions(dir);
  assertFailed(exec(dir, process.execPath, ['build.js']), thrown(dir));
});

// rollup + @rollup/plugin-typescript: `transformers: { before: [before()] }`.

test('rollup + @rollup/plugin-typescript: the bundle reports', () => {
  const dir = copy('rollup');
  ok(dir, BIN('rollup'), ['-c']);
  assert.fixture(maskFigures(runOutput(dir)), PROGRAM_OUTPUT);
});

test('rollup + @rollup/plugin-typescript: a bad option fails the build with file and line', () => {
  const dir = copy('rollup');
  breakOptions(dir);
  assertFailed(exec(dir, BIN('rollup'), ['-c']), thrown(dir));
});

// ts-jest: `astTransformers: { before: ['ts-memory-profiler/jest'] }`.

test('ts-jest: the test passes and the report is written', () => {
  const dir = copy('jest');
  const output = ok(dir, BIN('jest'), ['--ci', '--no-cache']);
  assert.fixture(maskFigures(output), REPORT);
});

test('ts-jest: a bad option fails the test file with file and line', () => {
  const dir = copy('jest');
  breakOptions(dir);
  assertFailed(exec(dir, BIN('jest'), ['--ci', '--no-cache']), thrown(dir));
});

// Vite: the plugin `memoryProfiler()` from ts-memory-profiler/vite.

test('vite: the SSR build reports (TC39 decorators, lowered by TypeScript)', () => {
  const dir = copy('vite');
  ok(dir, BIN('vite'), ['build']);
  assert.match(fs.readFileSync(path.join(dir, 'out', 'app.js'), 'utf8'), /__esDecorate\(/);
  assert.fixture(maskFigures(runOutput(dir)), PROGRAM_OUTPUT);
});

test("vite: tsconfig's experimentalDecorators is honoured", () => {
  const dir = copy('vite');
  edit(path.join(dir, 'tsconfig.json'), '"strict": true,', '"strict": true,\n    "experimentalDecorators": true,');
  ok(dir, BIN('vite'), ['build']);
  const bundle = fs.readFileSync(path.join(dir, 'out', 'app.js'), 'utf8');
  assert.match(bundle, /__decorate\(/);
  assert.not.match(bundle, /__esDecorate\(/);
  assert.fixture(maskFigures(runOutput(dir)), PROGRAM_OUTPUT);
});

test('vite: a bad option fails the build with file and line', () => {
  const dir = copy('vite');
  breakOptions(dir);
  assertFailed(exec(dir, BIN('vite'), ['build']), thrown(dir));
});

// nest build: Nest's CLI compiles with the TypeScript API and calls `before(options, program)` of each
// module named in nest-cli.json compilerOptions.plugins; ts-memory-profiler/transformer exports `before`.

test('nest build: the example builds and reports', () => {
  const dir = copy('nest');
  ok(dir, BIN('nest'), ['build']);
  assert.fixture(maskFigures(runOutput(dir)), PROGRAM_OUTPUT);
});

test('nest build: a bad option fails the build with file and line', () => {
  const dir = copy('nest');
  breakOptions(dir);
  assertFailed(exec(dir, BIN('nest'), ['build']), thrown(dir));
  assert.not.ok(fs.existsSync(path.join(dir, 'out', 'app.js')), 'nothing emitted');
});

test.after(() => fs.rmSync(COPIES, { recursive: true, force: true }));

test.run();
