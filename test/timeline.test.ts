/**
 * Memory over time: the mprof .dat format (ours and memory_profiler's), `ts-mprof run --timeline`
 * on real programs (samples, children, FUNC lines from @profile calls), and the plot.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { compile, ROOT, writeProject } from './helpers/compile';

// The CLI is not exported by the package: load the built files, typed by their declarations.
type Recording = import('../dist/cli/dat').Recording;
const { DatError, formatRecording, memLine, parseDat, peakOf, readDat } = require(
  path.join(ROOT, 'dist/cli/dat'),
) as typeof import('../dist/cli/dat');
const { parseArgs, defaultOutput, progressLine } = require(path.join(ROOT, 'dist/cli/timeline')) as typeof import('../dist/cli/timeline');
const { funcLine, funcName } = require(path.join(ROOT, 'dist/cli/dat')) as typeof import('../dist/cli/dat');

const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const PYTHON_DAT = path.join(ROOT, 'test', 'fixtures', 'mprof-python.dat');

/** Runs `ts-mprof ...args` in dir. */
function tsMprof(dir: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Allocates `mib` MiB in steps of 8, pausing between steps so that several samples see each. */
const GROWER = `const keep = [];
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const mib = Number(process.argv[2]);
pause(150);
for (let i = 0; i < mib / 8; i++) { keep.push(Buffer.alloc(8 * 2 ** 20, 1)); pause(40); }
pause(150);
process.exitCode = Number(process.argv[3] ?? 0);
`;

test('the .dat lines are written with memory_profiler 0.61 number formats', () => {
  assert.is(memLine(12.5, 1700000000.25), 'MEM 12.500000 1700000000.2500\n');
  assert.is(
    funcLine('Demo.myFunc', 20.123456, 1700000000.5, 30, 1700000001.125, 0),
    'FUNC Demo.myFunc 20.1235 1700000000.5000 30.0000 1700000001.1250 0\n',
  );
  // mprof splits on spaces: names may hold none.
  assert.is(funcName('Demo.get value'), 'Demo.get_value');
});

test('a recording written and parsed back is the same recording', () => {
  const recording: Recording = {
    cmdline: "node app.js 'two words'",
    samples: [
      { mem: 40.5, t: 1700000000.1 },
      { mem: 55.25, t: 1700000000.2 },
    ],
    funcs: [{ name: 'Demo.load', mem0: 41, t0: 1700000000.125, mem1: 55, t1: 1700000000.1875, level: 0 }],
    children: new Map([['0', [{ mem: 3.5, t: 1700000000.15 }]]]),
  };
  const text = formatRecording(recording);
  assert.is(text.split('\n')[0], "CMDLINE node app.js 'two words'");
  assert.equal(parseDat(text), recording);
});

test("a .dat made by memory_profiler's mprof is read: command, samples, calls with their level", () => {
  const recording = readDat(PYTHON_DAT);
  assert.is(recording.cmdline, '/usr/bin/python3 ex.py');
  assert.is(recording.samples.length, 9);
  assert.equal(recording.samples[1], { mem: 44.644531, t: 1795549674.1628 });
  assert.equal(
    recording.funcs.map((f) => [f.name, f.level]),
    [
      ['__main__.make', 0],
      ['__main__.drop', 0],
    ],
  );
  assert.equal(peakOf(recording), { mem: 67.535156, t: 1795549674.4643 });
});

test('a malformed record is an error naming the file and line; a cut-short last line is skipped', () => {
  assert.throws(
    () => parseDat('CMDLINE x\nMEM abc 1.0\n', 'rec.dat'),
    (e: Error) => e instanceof DatError && e.message === "rec.dat:2: MEM memory is not a number: 'abc'",
  );
  assert.throws(
    () => parseDat('FUNC f 1 2\n', 'rec.dat'),
    (e: Error) => e instanceof DatError && /^rec\.dat:1: FUNC needs/.test(e.message),
  );
  assert.is(parseDat('MEM 1.0 2.0\nMEM 3.0').samples.length, 1);
  // Unknown records are skipped, as mprof skips them.
  assert.is(parseDat('SOMETHING else\nMEM 1.0 2.0\n').samples.length, 1);
});

test('run --timeline arguments: options before the command, everything after it is the command', () => {
  assert.equal(parseArgs(['--timeline', '--interval', '0.5', '-C', '-o', 'x.dat', '--', 'node', '-e', '1', '--interval']), {
    interval: 0.5,
    includeChildren: true,
    output: 'x.dat',
    command: ['node', '-e', '1', '--interval'],
  });
  assert.equal(parseArgs(['--timeline', '--interval=2', 'npm', 'test']).command, ['npm', 'test']);
  assert.is(parseArgs(['--timeline', 'true']).interval, 0.1);
});

test("the default file name is mprof's, a second later when that name is taken", () => {
  const dir = writeProject({ 'mprofile_20240102030405.dat': '' });
  assert.is(defaultOutput(dir, new Date(2024, 0, 2, 3, 4, 5)), 'mprofile_20240102030406.dat');
  assert.is(defaultOutput(dir, new Date(2024, 11, 31, 23, 59, 59)), 'mprofile_20241231235959.dat');
});

test('a progress line: elapsed time, samples, current and peak MiB', () => {
  assert.is(progressLine(12.34, 123, 50 * 2 ** 20, 64.25 * 2 ** 20), 'ts-mprof: 12.3 s, 123 samples, 50.0 MiB (peak 64.3 MiB)');
});

test('run --timeline records a growing program: CMDLINE, rising MEM lines, its exit code kept', () => {
  const dir = writeProject({ 'grow.js': GROWER });
  const r = tsMprof(dir, 'run', '--timeline', '--interval', '0.05', '-o', 'rec.dat', '--', process.execPath, 'grow.js', '80', '3');
  assert.is(r.code, 3);
  const text = fs.readFileSync(path.join(dir, 'rec.dat'), 'utf8');
  assert.is(text.split('\n')[0], `CMDLINE ${process.execPath} grow.js 80 3`);
  assert.ok(
    text
      .split('\n')
      .slice(1, -1)
      .every((l) => /^MEM \d+\.\d{6} \d+\.\d{4}$/.test(l)),
    text,
  );
  const mems = parseDat(text).samples.map((s) => s.mem);
  assert.ok(mems.length >= 5, `${mems.length} samples`);
  // 80 MiB touched, 8 at a time: the samples climb from the first to the peak (the very last one
  // may catch the process giving its memory back as it exits).
  const top = mems.indexOf(Math.max(...mems));
  assert.ok(mems[top] - mems[0] > 60, mems.join(' '));
  assert.ok(
    mems.slice(0, top + 1).every((m, i) => i === 0 || m >= mems[i - 1] - 1),
    mems.join(' '),
  );
  assert.match(r.stderr, /samples over .* s, peak .* MiB: rec\.dat/);
});

test('--include-children adds the memory of child processes', () => {
  const dir = writeProject({
    'grow.js': GROWER,
    'parent.js': `require('child_process').spawnSync(process.execPath, [require('path').join(__dirname, 'grow.js'), '96'], { stdio: 'inherit' });\n`,
  });
  const peakOfRun = (...flags: string[]) => {
    const r = tsMprof(dir, 'run', '--timeline', '--interval', '0.05', ...flags, '-o', 'rec.dat', '--', process.execPath, 'parent.js');
    assert.is(r.code, 0, r.stderr);
    return readDat(path.join(dir, 'rec.dat')).samples.map((s) => s.mem);
  };
  const alone = peakOfRun();
  const withChildren = peakOfRun('--include-children');
  // The parent alone stays small; with its child counted, the 96 MiB shows.
  assert.ok(Math.max(...alone) < 90, `parent alone: ${Math.max(...alone)}`);
  assert.ok(Math.max(...withChildren) - Math.max(...alone) > 70, `${Math.max(...withChildren)} vs ${Math.max(...alone)}`);
});

test('a recorded program with @profile methods writes a FUNC line per call: nested, thrown and async calls', () => {
  const compiled = compile(`import { profile } from 'ts-memory-profiler';
export class Work {
  @profile
  build(n: number): number {
    const a = new Array(n).fill(1);
    return this.copy(a).length;
  }
  @profile
  copy(a: number[]): number[] {
    return a.slice();
  }
  @profile
  fail(): never {
    throw new Error('boom');
  }
  @profile
  async later(): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 30));
    return 'later';
  }
}
export async function main() {
  const work = new Work();
  const results: unknown[] = [work.build(4_000_000)];
  try { work.fail(); } catch (e) { results.push((e as Error).message); }
  results.push(await work.later());
  return results;
}
`);
  assert.equal(compiled.diagnostics, []);
  const dir = writeProject({
    'fixture.js': compiled.js,
    'start.js': `require('ts-memory-profiler').configure({ stream: { write: () => true } });
require('./fixture.js').main().then((v) => console.log('RESULT ' + JSON.stringify(v)));
`,
  });
  const r = tsMprof(dir, 'run', '--timeline', '-o', 'rec.dat', '--', process.execPath, 'start.js');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, 'RESULT [4000000,"boom","later"]');
  const text = fs.readFileSync(path.join(dir, 'rec.dat'), 'utf8');
  const lines = text.split('\n').filter((l) => l.startsWith('FUNC '));
  for (const l of lines) assert.match(l, /^FUNC \S+ \d+\.\d{4} \d+\.\d{4} \d+\.\d{4} \d+\.\d{4} \d+$/);
  const funcs = parseDat(text).funcs;
  // Each call's line is written when it ends: the inner copy before build.
  assert.equal(
    funcs.map((f) => [f.name, f.level]),
    [
      ['Work.copy', 1],
      ['Work.build', 0],
      ['Work.fail', 0],
      ['Work.later', 0],
    ],
  );
  const [copy, build, , later] = funcs;
  // Two arrays of 4e6 small integers (~30 MiB each) made inside build, one inside copy. At build's
  // exit its own array is still live; copy's is garbage, which the profiler's collection at the exit
  // of a method's first call may free (README, "The profiler's collections"): one array at least.
  assert.ok(build.mem1 - build.mem0 > 25, `build: ${build.mem0} -> ${build.mem1}`);
  assert.ok(copy.t0 >= build.t0 && copy.t1 <= build.t1);
  // The async call ends when its promise settles, after its 30 ms timer.
  assert.ok(later.t1 - later.t0 >= 0.025, `later took ${later.t1 - later.t0}`);
});

test('a program run without ts-mprof writes no FUNC lines anywhere', () => {
  const compiled = compile(`import { profile } from 'ts-memory-profiler';
class Work { @profile run() { return 1; } }
export function main() { return new Work().run(); }
`);
  const dir = writeProject({
    'fixture.js': compiled.js,
    'start.js': `require('ts-memory-profiler').configure({ stream: { write: () => true } });\nconsole.log(require('./fixture.js').main());\n`,
  });
  const env = { ...process.env };
  delete env.TS_MPROF_TIMELINE;
  const r = spawnSync(process.execPath, ['start.js'], { cwd: dir, encoding: 'utf8', env });
  assert.is(r.stdout, '1\n');
  assert.equal(fs.readdirSync(dir).sort(), ['fixture.js', 'start.js']);
});

test('a command that cannot start: one line, exit 127, no recording left', () => {
  const dir = writeProject({ 'notes.txt': '' });
  const r = tsMprof(dir, 'run', '--timeline', '-o', 'rec.dat', '--', 'no-such-command-ts-mprof');
  assert.is(r.code, 127);
  assert.is(r.stderr, "ts-mprof run --timeline: cannot run 'no-such-command-ts-mprof': command not found\n");
  assert.not.ok(fs.existsSync(path.join(dir, 'rec.dat')));
});

test('run --timeline: bad arguments print the usage and exit 2', () => {
  const dir = writeProject({ 'notes.txt': '' });
  for (const args of [
    ['--timeline'],
    ['--timeline', '--interval', '0', '--', 'true'],
    ['--timeline', '--interval'],
    ['--timeline', '--bogus', '--', 'true'],
  ]) {
    const r = tsMprof(dir, 'run', ...args);
    assert.is(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^ts-mprof run: .*\n\nusage: /);
  }
});

test.run();
