/**
 * `ts-mprof` at scale and with hostile input (issue 11, item 5): plot of a recording with 70,000
 * calls and 140,000 samples, control characters in a recording, the one argument grammar (`--`),
 * `clean` past a directory, `run --timeline` appending and recording a short program, and
 * `run --aggregate` stopped by a signal. Speed and memory at 1e6 samples and calls are measured in
 * BENCHMARKS.md (bench/big-recording.js), not here.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, writeProject } from './helpers/compile';

const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const BIG = path.join(ROOT, 'bench', 'big-recording.js');
const { printable } = require(path.join(ROOT, 'dist/cli/printable')) as typeof import('../dist/cli/printable');
const { readArguments } = require(path.join(ROOT, 'dist/cli/args')) as typeof import('../dist/cli/args');

function tsMprof(dir: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** XML 1.0 forbids these in a document (tab, LF and CR excepted). */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

test('plot of 70,000 calls and 140,000 samples: a chart (it overflowed the stack at ~62,000 calls)', () => {
  const dir = writeProject({ 'notes.txt': '' });
  const made = spawnSync(process.execPath, [BIG, path.join(dir, 'mprofile_20260101000000.dat'), '140000', '70000']);
  assert.is(made.status, 0, String(made.stderr));
  const r = tsMprof(dir, 'plot');
  assert.is(r.code, 0, r.stderr);
  const svg = fs.readFileSync(path.join(dir, 'mprofile_20260101000000.svg'), 'utf8');
  assert.match(svg, '140000 samples');
  assert.match(svg, '70000 profiled calls');
  assert.match(svg, '>Work.step: 63000 calls,');
  assert.match(svg, '>Work.stepOuter: 7000 calls,');
  // The curve keeps a few points per pixel column, the brackets the longest calls only: a small file.
  const points = /<polyline points="([^"]+)"/.exec(svg)![1].split(' ').length;
  assert.ok(points > 800 && points <= 4 * 900, `${points} points`);
  assert.is((svg.match(/<path stroke="[^"]+" d="M/g) ?? []).length, 2000);
  assert.match(svg, 'brackets on the curve for the 2000 longest calls only');
  assert.ok(svg.length < 2_000_000, `${svg.length} characters`);
  // peak and list read it too.
  assert.match(tsMprof(dir, 'peak').stdout, /^mprofile_20260101000000\.dat\t99\.600 MiB at /);
  assert.is(tsMprof(dir, 'list').stdout, '  0  mprofile_20260101000000.dat  2026-01-01 00:00:00  node big.js\n');
});

test('the curve keeps every peak: the lowest and highest sample of each pixel column', () => {
  // 50,000 flat samples with one spike of a single sample: the spike is still drawn.
  let text = 'CMDLINE spike\n';
  for (let i = 0; i < 50000; i++) text += `MEM ${i === 31337 ? '500.000000' : '10.000000'} ${(1000 + i / 1000).toFixed(4)}\n`;
  const dir = writeProject({ 'spike.dat': text });
  const r = tsMprof(dir, 'plot', 'spike.dat');
  assert.is(r.code, 0, r.stderr);
  const svg = fs.readFileSync(path.join(dir, 'spike.svg'), 'utf8');
  assert.match(svg, 'peak 500.0 MiB at 31.34 s');
  const ys = /<polyline points="([^"]+)"/
    .exec(svg)![1]
    .split(' ')
    .map((p) => Number(p.split(',')[1]));
  assert.is(new Set(ys).size, 2, 'the flat line and the spike');
});

test('control characters in CMDLINE and FUNC names: escaped in the SVG (valid XML) and in list', () => {
  const dat =
    'CMDLINE node \x1b[31mred\x1b[0m.js \x07\n' +
    'MEM 10.0 100.0\nMEM 12.0 100.5\n' +
    'FUNC Evil\x1b]0;title\x07.run 10.0 100.1 11.0 100.2 0\n';
  const dir = writeProject({ 'mprofile_20260101000000.dat': dat });
  let r = tsMprof(dir, 'plot', '-o', 'chart.html');
  assert.is(r.code, 0, r.stderr);
  const html = fs.readFileSync(path.join(dir, 'chart.html'), 'utf8');
  assert.not.match(html, NOT_XML);
  assert.match(html, 'node \\x1b[31mred\\x1b[0m.js \\x07');
  assert.match(html, 'Evil\\x1b]0;title\\x07.run 0.100 s');
  r = tsMprof(dir, 'list');
  assert.is(r.stdout, '  0  mprofile_20260101000000.dat  2026-01-01 00:00:00  node \\x1b[31mred\\x1b[0m.js \\x07\n');
  // Lone surrogates and C1 controls too; printable text is left alone.
  assert.is(printable('a\u009bb\ud800c \u00e9\u{1f600}\\'), 'a\\x9bb\\ud800c \u00e9\u{1f600}\\');
});

test('one argument grammar: -- ends the options of every command; options before or after the file', () => {
  assert.equal(
    readArguments(['-o', 'x.svg', 'a.dat', '--title=T'], (flag) => void flag.value()),
    ['a.dat'],
  );
  assert.equal(
    readArguments(['--', '-o', 'a.dat'], () => undefined),
    ['-o', 'a.dat'],
  );
  assert.equal(
    readArguments(['-1'], () => undefined),
    ['-1'],
  );
  const dir = writeProject({ 'x.dat': 'CMDLINE x\nMEM 10.0 100.0\nMEM 12.0 100.5\n', '-odd.dat': 'MEM 3.0 1.0\n' });
  let r = tsMprof(dir, 'plot', '--', 'x.dat');
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'x.svg\n');
  r = tsMprof(dir, 'plot', '-o', 'y.svg', '--', 'x.dat');
  assert.equal([r.code, r.stdout], [0, 'y.svg\n']);
  r = tsMprof(dir, 'peak', '--', 'x.dat');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^x\.dat\t12\.000 MiB at 0\.50 s/);
  // After --, a name that looks like an option is a file.
  r = tsMprof(dir, 'peak', '--', '-odd.dat');
  assert.match(r.stdout, /^-odd\.dat\t3\.000 MiB/);
  for (const args of [
    ['list', '--'],
    ['clean', '--'],
  ])
    assert.is(tsMprof(writeProject({ 'notes.txt': '' }), ...args).code, 0, args.join(' '));
  r = tsMprof(dir, 'list', '--', 'x');
  assert.is(r.code, 2);
  assert.match(r.stderr, /^ts-mprof list: list takes no arguments, got 'x'\n\nusage: ts-mprof list/);
});

test('clean: a directory named like a recording is skipped, said on stderr, and the later files still go', () => {
  const dir = writeProject({
    'mprofile_20200101000000.dat': 'MEM 1.0 1.0\n',
    'mprofile_20250101000000.dat/inside.txt': 'x',
    'mprofile_20260101000000.dat': 'MEM 1.0 1.0\n',
  });
  const r = tsMprof(dir, 'clean');
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'removed mprofile_20200101000000.dat\nremoved mprofile_20260101000000.dat\n');
  assert.is(r.stderr, 'ts-mprof clean: skipped mprofile_20250101000000.dat: a directory\n');
  assert.equal(fs.readdirSync(dir), ['mprofile_20250101000000.dat']);
  // list and plot do not take the directory for a recording either.
  assert.is(tsMprof(dir, 'list').stdout, 'no recordings (mprofile_*.dat) in this directory\n');
});

test('run --timeline: a 0.1 s program records its start and its end; -o of an existing file appends, as run -o does', () => {
  const dir = writeProject({ 'short.js': 'const t = Date.now(); while (Date.now() - t < 100);\n' });
  let r = tsMprof(dir, 'run', '--timeline', '-o', 'rec.dat', '--', process.execPath, 'short.js');
  assert.is(r.code, 0, r.stderr);
  const first = fs.readFileSync(path.join(dir, 'rec.dat'), 'utf8').split('\n').filter(Boolean);
  assert.is(first[0], `CMDLINE ${process.execPath} short.js`);
  const mems = first.slice(1).map((line) => /^MEM (\d+\.\d{6}) (\d+\.\d{4})$/.exec(line));
  assert.ok(mems.length >= 2 && mems.every(Boolean), first.join('\n'));
  // The last sample is at the end: at least the program's 0.1 s after the first.
  const times = mems.map((m) => Number(m![2]));
  assert.ok(times[times.length - 1] - times[0] >= 0.09, `${times}`);
  assert.match(tsMprof(dir, 'plot', 'rec.dat').stdout, 'rec.svg');
  // A second run into the same file adds its own CMDLINE and samples after the first run's.
  r = tsMprof(dir, 'run', '--timeline', '-o', 'rec.dat', '--', process.execPath, 'short.js');
  assert.is(r.code, 0, r.stderr);
  const both = fs.readFileSync(path.join(dir, 'rec.dat'), 'utf8').split('\n').filter(Boolean);
  assert.equal(both.slice(0, first.length), first);
  assert.is(both[first.length], first[0]);
  assert.ok(both.length >= first.length + 3);
  // A command that cannot start leaves the file as it was.
  r = tsMprof(dir, 'run', '--timeline', '-o', 'rec.dat', '--', 'no-such-command-here');
  assert.is(r.code, 127);
  assert.is(fs.readFileSync(path.join(dir, 'rec.dat'), 'utf8').split('\n').filter(Boolean).length, both.length);
});

const FOREVER = `import { profile } from 'ts-memory-profiler';

class Work {
  @profile
  step(n: number): number {
    const a = new Array(n).fill(1);
    return a.length;
  }
}

const w = new Work();
for (let i = 0; i < 3; i++) w.step(1000);
console.log('ready');
setInterval(() => undefined, 1000);
`;

/** Runs `ts-mprof run --aggregate` on a program that never ends, signals it once it is ready, and returns its output and exit code. */
function stopped(signal: 'SIGINT' | 'SIGTERM'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = writeProject({ 'tsconfig.json': '{"compilerOptions":{"target":"ES2022"}}', 'app.ts': FOREVER });
  // Its own process group, so that SIGINT can go to the whole group as a terminal's Ctrl-C does.
  const child = spawn(process.execPath, [CLI, 'run', '--aggregate', 'app.ts'], { cwd: dir, detached: true });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout === 'ready\n') {
        if (signal === 'SIGINT') process.kill(-child.pid!, 'SIGINT');
        else child.kill('SIGTERM');
      }
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  test(`run --aggregate stopped by ${signal} (${signal === 'SIGINT' ? 'Ctrl-C' : 'kill'}): the table is printed, then the exit status is the signal's`, async () => {
    const r = await stopped(signal);
    assert.is(r.code, code, r.stderr);
    assert.match(r.stdout, /^ready\nFilename: app\.ts\n/);
    // The method's first call collected at its entry (README, "The profiler's collections"): its
    // `@profile` row is marked `*` and says how many, and a line may be marked too.
    assert.match(
      r.stdout,
      /\n {5}4 +\d+\.\d MiB +-?\d+\.\d MiB {11}3 \* {3}@profile {3}\/\/ \d+ full collections? by the profiler, in the lines marked \*\n/,
    );
    assert.match(r.stdout, /\n {5}6 +\d+\.\d MiB +-?\d+\.\d MiB {11}3 [ *] {5}const a = new Array\(n\)\.fill\(1\);\n/);
  });
}

test('a program with its own SIGTERM listener handles the signal itself; the totals come at its exit', async () => {
  const dir = writeProject({
    'tsconfig.json': '{"compilerOptions":{"target":"ES2022"}}',
    'app.ts': FOREVER.replace(
      "console.log('ready');",
      "process.on('SIGTERM', () => { console.log('bye'); process.exit(5); });\nconsole.log('ready');",
    ),
  });
  const child = spawn(process.execPath, [CLI, 'run', '--aggregate', 'app.ts'], { cwd: dir });
  let stdout = '';
  const code = await new Promise<number | null>((resolve) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout === 'ready\n') child.kill('SIGTERM');
    });
    child.on('close', resolve);
  });
  assert.is(code, 5);
  assert.match(stdout, /^ready\nbye\nFilename: app\.ts\n/);
  assert.is(stdout.split('Filename:').length, 2, 'one table');
});

test.run();
