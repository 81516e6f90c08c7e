#!/usr/bin/env node
/**
 * `npm run bench`: the profiler's cost, measured side by side in one run (medians of repeated runs;
 * these machines are shared and noisy, so trust the ratios more than the absolute times).
 *
 *   1. probe cost: a loop of `s += i` profiled vs the same method undecorated, ns per executed
 *      statement, and the floor beside it: a bare loop of the heap reading the profiler uses (and
 *      one of v8.getHeapStatistics(), with what each allocates)
 *   2. the seed's generator example (limit 100000) profiled vs unprofiled
 *   3. the same two workloads under Python's memory_profiler, where /usr/bin/python3 has it
 *   4. the first @profile in a process (its warm-up), in fresh processes
 *   5. build time: tspc with and without the plugin on ~200 generated files
 *
 * 1-4 run for each Node binary given (default: the one running this script), a row each.
 *
 * Usage: node bench/run.js [--quick] [--no-build] [--baseline DIR] [path/to/node ...]     (results are what
 *        BENCHMARKS.md records; --no-build leaves out 5)
 *
 * --baseline DIR: DIR is this package built at another commit (its dist/ built, e.g. `git archive
 * 7e4284a | tar -x -C DIR`, node_modules linked, `tsc -p DIR`): the run-time workloads are built a
 * second time against it, and each process of this package's driver is followed by one of the
 * baseline's, so the two costs are measured side by side on the same machine at the same time.
 */
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, '.tmp', 'bench');
const BIN = path.join(ROOT, 'node_modules', '.bin');
const quick = process.argv.includes('--quick');
const baselineAt = process.argv.indexOf('--baseline');
const BASELINE = baselineAt >= 0 ? path.resolve(process.argv[baselineAt + 1]) : null;
const NODES = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--baseline');
if (NODES.length === 0) NODES.push(process.execPath);
const ROUNDS = quick ? 3 : 7;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, digits = 1) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function write(dir, files) {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

function tsconfig(extra = {}) {
  return JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'commonjs',
      strict: true,
      outDir: 'out',
      rootDir: 'src',
      types: ['node'],
      skipLibCheck: true,
      ...extra,
    },
    include: ['src'],
  });
}
const PLUGIN = { plugins: [{ transform: 'ts-memory-profiler/transformer' }] };

// ---- 1 and 2: run-time cost -------------------------------------------------------------------

const LOOP_N = 1e6;
const LIMIT = 100000;

/** One method body, written once, given to each variant so they cannot drift apart. */
const LOOP_BODY = `
    let s = 0;
    for (let i = 0; i < n; i++) {
      s += i;
    }
    return s;`;
const SEED_BODY = `
    const THE_LIMIT = limit;
    const PP = sum(function* () { for (let x = 0; x < THE_LIMIT; x++) yield x * x; }());
    const a = 1;
    const NN = sum(Array.from({ length: THE_LIMIT }, (_, x) => x * x));
    const b = 1;
    return PP - NN + a - b;`;
const method = (decorator, name, parameter, body) => `  ${decorator}\n  ${name}(${parameter}: number): number {${body}\n  }\n`;

const WORKLOADS = (pkg) => `import { profile, configure } from 'ts-memory-profiler';
import { getHeapStatistics, GCProfiler } from 'v8';

/** The heap reading the profiler chose in this process (the same module instance as its own). */
const readings = require(${JSON.stringify(path.join(pkg, 'dist', 'runtime', 'readings.js'))});
export const heapReadingKind: string = readings.heapReadingKind();
const read: () => number = readings.heapReader();

configure({ stream: { write() { return true; } } });

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

export class Loop {
${method('@profile', 'profiled', 'n', LOOP_BODY)}
${method('@profile({ gc: true })', 'gc', 'n', LOOP_BODY)}
${method("@profile({ backend: 'rss' })", 'rss', 'n', LOOP_BODY)}
${method('', 'plain', 'n', LOOP_BODY)}
  floor(n: number): number {
    let s = 0;
    for (let i = 0; i < n; i++) {
      s += read();
    }
    return s;
  }
  floorStats(n: number): number {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const h = getHeapStatistics();
      s += h.used_heap_size + h.external_memory;
    }
    return s;
  }
}

/** Per call: a one-statement method, so the cost is the call's own (frame, entry, exit, report). */
export class Calls {
  @profile
  profiled(x: number): number {
    return x + 1;
  }
  plain(x: number): number {
    return x + 1;
  }
}

export class Seed {
${method('@profile({ precision: 4 })', 'profiled', 'limit', SEED_BODY)}
${method('', 'plain', 'limit', SEED_BODY)}}

/**
 * This thread's CPU time in ns where Linux tells it (/proc/thread-self/schedstat: the first number),
 * else the wall clock. On a shared 2-core machine the wall clock of a round also holds the time other
 * processes ran: the probe / floor ratio of one round then swung 0.8-2.6 under load, 1.0-1.3 on CPU time.
 */
const clock: () => number = (() => {
  try {
    const fs = require('fs');
    const fd = fs.openSync('/proc/thread-self/schedstat', 'r');
    const buffer = Buffer.alloc(128);
    const read = () => Number(buffer.toString('latin1', 0, fs.readSync(fd, buffer, 0, 128, 0)).split(' ')[0]);
    if (read() > 0) return read;
  } catch {}
  return () => Number(process.hrtime.bigint());
})();

/** Alternates the variants round by round and prints each one's times as JSON. */
export function measure(rounds: number, variants: Record<string, () => unknown>): void {
  const times: Record<string, number[]> = {};
  for (const name of Object.keys(variants)) {
    variants[name]();
    times[name] = [];
  }
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(variants)) {
      const start = clock();
      run();
      times[name].push(clock() - start);
    }
  }
  console.log(JSON.stringify(times));
}

/** Bytes a call of f leaves (net change plus what collections freed), and how many collections ran. */
export function allocation(f: () => unknown, calls: number): { bytes: number; collections: number } {
  f();
  const profiler = new GCProfiler();
  profiler.start();
  const before = read();
  f();
  const after = read();
  const stats = profiler.stop()!.statistics;
  let freed = 0;
  for (const s of stats) freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
  return { bytes: (after - before + freed) / calls, collections: stats.length };
}
`;

const CALLS = 10000;
const DRIVER = (rounds) => `import { Calls, Loop, Seed, measure, allocation, heapReadingKind } from './workloads';
const loop = new Loop();
const seed = new Seed();
const calls = new Calls();
const many = (f: (x: number) => number) => { let s = 0; for (let i = 0; i < ${CALLS}; i++) s = f(s); return s; };
measure(${rounds}, {
  loopProfiled: () => loop.profiled(${LOOP_N}),
  loopPlain: () => loop.plain(${LOOP_N}),
  loopRss: () => loop.rss(${LOOP_N / 10}),
  loopGc: () => loop.gc(${LOOP_N / 10}),
  floor: () => loop.floor(${LOOP_N}),
  floorStats: () => loop.floorStats(${LOOP_N}),
  seedProfiled: () => seed.profiled(${LIMIT}),
  seedPlain: () => seed.plain(${LIMIT}),
  callsProfiled: () => many((x) => calls.profiled(x)),
  callsPlain: () => many((x) => calls.plain(x)),
});
console.log(JSON.stringify({
  heapReadingKind,
  floor: allocation(() => loop.floor(${LOOP_N}), ${LOOP_N}),
  floorStats: allocation(() => loop.floorStats(${LOOP_N}), ${LOOP_N}),
}));
`;

/** The run-time workloads built against the package at `pkg` (this one, or a --baseline). */
function buildRuntime(pkg = ROOT, name = 'runtime') {
  const dir = path.join(OUT, name);
  write(dir, {
    'tsconfig.json': tsconfig(PLUGIN),
    'package.json': '{"private":true}',
    'src/workloads.ts': WORKLOADS(pkg),
    'src/driver.ts': DRIVER(ROUNDS),
  });
  if (pkg !== ROOT) {
    // Found before this package's own node_modules: the baseline's runtime and transformer.
    fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
    fs.symlinkSync(pkg, path.join(dir, 'node_modules', 'ts-memory-profiler'));
  }
  execFileSync(path.join(BIN, 'tspc'), ['-p', dir], { stdio: 'inherit' });
  return path.join(dir, 'out', 'driver.js');
}

/** One process of a driver: each variant's times over its rounds, and what the floors allocate. */
function runProcess(node, driver) {
  const lines = execFileSync(node, [driver], { encoding: 'utf8' }).trim().split('\n');
  return { times: JSON.parse(lines[lines.length - 2]), alloc: JSON.parse(lines[lines.length - 1]) };
}

/**
 * Three processes, each alternating the variants: the median over all rounds of all processes. With
 * a baseline driver, each process of this package's is followed by one of the baseline's, and both
 * summaries come back ([this, baseline]).
 */
function runtimeCosts(node, driver, baseline) {
  const runs = [];
  const baseRuns = [];
  for (let p = 0; p < 3; p++) {
    runs.push(runProcess(node, driver));
    if (baseline) baseRuns.push(runProcess(node, baseline));
  }
  return [summarize(runs), baseline ? summarize(baseRuns) : null];
}

function summarize(runs) {
  const all = {};
  const ratios = [];
  let alloc;
  for (const { times, alloc: a } of runs) {
    alloc = a;
    for (const [k, v] of Object.entries(times)) (all[k] ??= []).push(...v);
    // The probe against the floor of the same round: measured side by side, a second apart.
    for (let r = 0; r < times.floor.length; r++)
      ratios.push((times.loopProfiled[r] - times.loopPlain[r]) / (2 * LOOP_N + 3) / (times.floor[r] / LOOP_N));
  }
  const m = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, median(v)]));
  // Statements the profiled loop executes: let s (1), the for header (n + 1), the body (n), return (1).
  const loopProbes = 2 * LOOP_N + 3;
  // The seed: 4 simple statements + the generator line (2 * LIMIT + 2) + the array line (LIMIT + 1) + return.
  const seedProbes = 4 + (2 * LIMIT + 2) + (LIMIT + 1) + 1;
  return {
    alloc,
    probeOverFloor: median(ratios),
    floorStatsNs: m.floorStats / LOOP_N,
    loopProbes,
    seedProbes,
    loopProfiledMs: m.loopProfiled / 1e6,
    loopPlainMs: m.loopPlain / 1e6,
    floorNs: m.floor / LOOP_N,
    probeNs: (m.loopProfiled - m.loopPlain) / loopProbes,
    // The rss loop runs n / 10 iterations; its bare cost is a tenth of the plain loop's.
    rssProbeNs: (m.loopRss - m.loopPlain / 10) / (2 * (LOOP_N / 10) + 3),
    rssMs: m.loopRss / 1e6,
    gcProbeNs: (m.loopGc - m.loopPlain / 10) / (2 * (LOOP_N / 10) + 3),
    gcMs: m.loopGc / 1e6,
    loopSlowdown: m.loopProfiled / m.loopPlain,
    seedProfiledMs: m.seedProfiled / 1e6,
    seedPlainMs: m.seedPlain / 1e6,
    seedProbeNs: (m.seedProfiled - m.seedPlain) / seedProbes,
    seedSlowdown: m.seedProfiled / m.seedPlain,
    callsProfiledMs: m.callsProfiled / 1e6,
    callsPlainMs: m.callsPlain / 1e6,
    callUs: (m.callsProfiled - m.callsPlain) / CALLS / 1000,
  };
}

// ---- 3: memory_profiler, side by side ---------------------------------------------------------

const PY_N = quick ? 5000 : 20000;
const PY_LIMIT = quick ? 2000 : 10000;
const PY_LOOP = `
    s = 0
    for i in range(n):
        s += i
    return s`;
const PY_SEED = `
    THE_LIMIT = limit
    PP = sum(x * x for x in range(THE_LIMIT))
    a = 1
    NN = sum([x * x for x in range(THE_LIMIT)])
    b = 1`;
const PYTHON = `
import sys, time, io
from memory_profiler import profile
sink = io.StringIO()

def loop_plain(n):${PY_LOOP}

@profile(stream=sink)
def loop_profiled(n):${PY_LOOP}

def seed_plain(limit):${PY_SEED}

@profile(stream=sink, precision=4)
def seed_profiled(limit):${PY_SEED}

def best(f, *args):
    times = []
    for _ in range(3):
        t = time.perf_counter(); f(*args); times.append(time.perf_counter() - t)
    return sorted(times)[1]

n, limit = int(sys.argv[1]), int(sys.argv[2])
print(best(loop_profiled, n), best(loop_plain, n), best(seed_profiled, limit), best(seed_plain, limit))
`;

function memoryProfiler() {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import memory_profiler'], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  const file = path.join(OUT, 'mprof_bench.py');
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(file, PYTHON);
  const [loopProf, loopPlain, seedProf, seedPlain] = execFileSync('/usr/bin/python3', [file, String(PY_N), String(PY_LIMIT)], {
    encoding: 'utf8',
  })
    .trim()
    .split(/\s+/)
    .map(Number);
  // Line events memory_profiler reads memory at: the same counts as ours (6 for a 5-item loop).
  const loopLines = 2 * PY_N + 3;
  // 4 simple lines + the generator expression (2 * limit + 3) + the list comprehension (limit + 3).
  const seedLines = 4 + (2 * PY_LIMIT + 3) + (PY_LIMIT + 3);
  return {
    n: PY_N,
    limit: PY_LIMIT,
    loopProfiledMs: loopProf * 1e3,
    loopPlainMs: loopPlain * 1e3,
    lineNs: ((loopProf - loopPlain) * 1e9) / loopLines,
    loopSlowdown: loopProf / loopPlain,
    seedProfiledMs: seedProf * 1e3,
    seedPlainMs: seedPlain * 1e3,
    seedLineNs: ((seedProf - seedPlain) * 1e9) / seedLines,
    seedSlowdown: seedProf / seedPlain,
  };
}

// ---- 4: the first @profile in a process ------------------------------------------------------

const FIRST = `const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; };
const wall = () => Number(process.hrtime.bigint()) / 1e6;
const { profile } = require(${JSON.stringify(ROOT)});
const c = cpu(), w = wall();
profile(function first() { return 1; });
console.log(JSON.stringify({ cpu: cpu() - c, wall: wall() - w }));
`;

/** The first @profile's cost (its warm-up), CPU and wall time, median of fresh processes. */
function firstProfile(node) {
  const file = path.join(OUT, 'first-profile.js');
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(file, FIRST);
  const runs = [];
  for (let p = 0; p < (quick ? 3 : 7); p++) runs.push(JSON.parse(execFileSync(node, [file], { encoding: 'utf8' }).trim()));
  return { cpuMs: median(runs.map((r) => r.cpu)), wallMs: median(runs.map((r) => r.wall)) };
}

// ---- 5: build time ----------------------------------------------------------------------------

const FILES = 200;

function sourceFile(i, profiled) {
  const methods = [];
  for (let m = 0; m < 5; m++) {
    const decorated = profiled && m === 0;
    methods.push(`  ${decorated ? '@profile\n  ' : ''}method${m}(items: number[]): number {
    let total = 0;
    for (const item of items) {
      if (item % 2 === 0) {
        total += item * ${m + 1};
      } else {
        total -= item;
      }
    }
    const doubled = items.map((x) => x * 2).filter((x) => x > ${i});
    return total + doubled.length;
  }`);
  }
  return `${profiled ? "import { profile } from 'ts-memory-profiler';\n" : ''}
export interface Options${i} { name: string; size: number; }

export class Service${i} {
  constructor(private readonly options: Options${i}) {}
${methods.join('\n\n')}
}
`;
}

function buildTime() {
  const variants = {
    tsc: { files: false, tool: 'tsc', plugin: false },
    tspc: { files: false, tool: 'tspc', plugin: false },
    tspcPlugin: { files: false, tool: 'tspc', plugin: true },
    tspcPlugin100: { files: true, tool: 'tspc', plugin: true },
  };
  const dirs = {};
  for (const [name, v] of Object.entries(variants)) {
    const files = { 'package.json': '{"private":true}', 'tsconfig.json': tsconfig(v.plugin ? PLUGIN : {}) };
    // 100 profiled methods: one in each of the first 100 files.
    for (let i = 0; i < FILES; i++) files[`src/service${i}.ts`] = sourceFile(i, v.files && i < 100);
    dirs[name] = path.join(OUT, `build-${name}`);
    write(dirs[name], files);
  }
  const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  const rounds = quick ? 1 : 3;
  for (let r = 0; r < rounds; r++) {
    for (const [name, v] of Object.entries(variants)) {
      const start = process.hrtime.bigint();
      execFileSync(path.join(BIN, v.tool), ['-p', dirs[name]], { stdio: 'inherit' });
      times[name].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

// ---- report -----------------------------------------------------------------------------------

function runtimeTable(rt, py) {
  console.log('| workload | unprofiled | profiled | slowdown | cost per executed statement |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(`| floor: bare loop of the heap reading (${rt.alloc.heapReadingKind}) | | | | ${fmt(rt.floorNs)} ns per call |`);
  console.log(
    `| bare loop of v8.getHeapStatistics() | | | | ${fmt(rt.floorStatsNs)} ns per call, ${fmt(rt.alloc.floorStats.bytes, 0)} B left per call |`,
  );
  console.log(
    `| loop of \`s += i\`, n = 1e6 (${rt.loopProbes.toLocaleString('en-US')} statements) | ${fmt(rt.loopPlainMs)} ms | ${fmt(rt.loopProfiledMs)} ms | ${fmt(rt.loopSlowdown)}x | ${fmt(rt.probeNs)} ns (${fmt(rt.probeOverFloor, 2)}x the floor) |`,
  );
  console.log(
    `| loop of \`s += i\`, n = 1e5, backend 'rss' | ${fmt(rt.loopPlainMs / 10, 2)} ms | ${fmt(rt.rssMs)} ms | ${fmt(rt.rssMs / (rt.loopPlainMs / 10), 0)}x | ${fmt(rt.rssProbeNs)} ns |`,
  );
  console.log(
    `| loop of \`s += i\`, n = 1e5, \`gc: true\` | ${fmt(rt.loopPlainMs / 10, 2)} ms | ${fmt(rt.gcMs)} ms | ${fmt(rt.gcMs / (rt.loopPlainMs / 10), 0)}x | ${fmt(rt.gcProbeNs)} ns |`,
  );
  console.log(
    `| seed generator example, limit ${LIMIT} (${rt.seedProbes.toLocaleString('en-US')} statements) | ${fmt(rt.seedPlainMs)} ms | ${fmt(rt.seedProfiledMs)} ms | ${fmt(rt.seedSlowdown)}x | ${fmt(rt.seedProbeNs)} ns |`,
  );
  console.log(
    `| ${CALLS.toLocaleString('en-US')} calls of a one-statement method, reports to a sink | ${fmt(rt.callsPlainMs, 2)} ms | ${fmt(rt.callsProfiledMs)} ms | ${fmt(rt.callsProfiledMs / rt.callsPlainMs, 0)}x | ${fmt(rt.callUs, 2)} µs per call (frame, readings, report) |`,
  );
  if (py) {
    console.log(
      `| memory_profiler: loop, n = ${py.n} | ${fmt(py.loopPlainMs)} ms | ${fmt(py.loopProfiledMs)} ms | ${fmt(py.loopSlowdown, 0)}x | ${fmt(py.lineNs / 1000)} µs per line |`,
    );
    console.log(
      `| memory_profiler: seed example, limit ${py.limit} | ${fmt(py.seedPlainMs)} ms | ${fmt(py.seedProfiledMs)} ms | ${fmt(py.seedSlowdown, 0)}x | ${fmt(py.seedLineNs / 1000)} µs per line |`,
    );
    console.log(
      `\nPer executed line, memory_profiler costs ${fmt(py.lineNs / rt.probeNs, 0)}x what a probe costs here (loop), ${fmt(py.seedLineNs / rt.seedProbeNs, 0)}x (seed example).`,
    );
  } else {
    console.log('\n(memory_profiler is not installed for /usr/bin/python3: `apt-get install python3-memory-profiler` to compare.)');
  }
}

/** The three workloads the default's cost is held to, this package against the baseline. */
function baselineTable(rt, base) {
  console.log('| workload | unprofiled | baseline | this | this / baseline |');
  console.log('|---|---:|---:|---:|---:|');
  const row = (what, plain, before, after) =>
    console.log(`| ${what} | ${fmt(plain, 2)} ms | ${fmt(before, 2)} ms | ${fmt(after, 2)} ms | ${fmt(after / before, 2)}x |`);
  row(`hot loop of \`s += i\`, n = 1e6`, rt.loopPlainMs, base.loopProfiledMs, rt.loopProfiledMs);
  row(`${CALLS.toLocaleString('en-US')} calls of a one-statement method`, rt.callsPlainMs, base.callsProfiledMs, rt.callsProfiledMs);
  row(`seed generator example, limit ${LIMIT}`, rt.seedPlainMs, base.seedProfiledMs, rt.seedProfiledMs);
}

function main() {
  console.log(`# ts-memory-profiler benchmarks (${quick ? 'quick' : 'full'} run, ${new Date().toISOString().slice(0, 10)})\n`);
  const driver = buildRuntime();
  const baseDriver = BASELINE ? buildRuntime(BASELINE, 'runtime-baseline') : null;
  const rows = [];
  for (const node of NODES) {
    const version = execFileSync(node, ['-p', 'process.version + " (V8 " + process.versions.v8.split("-")[0] + ")"'], {
      encoding: 'utf8',
    }).trim();
    const [rt, base] = runtimeCosts(node, driver, baseDriver);
    const py = memoryProfiler();
    const first = firstProfile(node);
    rows.push({ version, rt, py, first });
    console.log(`## Run-time cost, Node ${version}\n`);
    runtimeTable(rt, py);
    console.log('');
    if (base) {
      console.log(`### Against the baseline (${BASELINE}), side by side, Node ${version}\n`);
      baselineTable(rt, base);
      console.log('');
    }
  }
  console.log('## Per Node version\n');
  console.log(
    '| Node | heap reading | its cost (floor) | collections in 1e6 readings | getHeapStatistics(): cost, B left a call | probe | probe / floor | memory_profiler per line | first @profile: CPU, wall |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const { version, rt, py, first } of rows) {
    const a = rt.alloc;
    console.log(
      `| ${version} | ${a.heapReadingKind} | ${fmt(rt.floorNs)} ns | ${a.floor.collections} | ${fmt(rt.floorStatsNs)} ns, ${fmt(a.floorStats.bytes, 0)} B | ${fmt(rt.probeNs)} ns | ${fmt(rt.probeOverFloor, 2)}x | ${py ? fmt(py.lineNs / 1000) + ' µs' : '–'} | ${fmt(first.cpuMs)} ms, ${fmt(first.wallMs)} ms |`,
    );
  }
  if (process.argv.includes('--no-build')) return;
  const b = buildTime();
  console.log(`\n## Build time, ${FILES} files (median of ${quick ? 1 : 3})\n`);
  console.log('| build | time | vs tspc without the plugin |');
  console.log('|---|---:|---:|');
  console.log(`| tsc | ${fmt(b.tsc, 0)} ms | ${fmt(b.tsc / b.tspc, 2)}x |`);
  console.log(`| tspc, no plugin | ${fmt(b.tspc, 0)} ms | 1.00x |`);
  console.log(`| tspc + plugin, no file uses @profile | ${fmt(b.tspcPlugin, 0)} ms | ${fmt(b.tspcPlugin / b.tspc, 2)}x |`);
  console.log(`| tspc + plugin, 100 profiled methods | ${fmt(b.tspcPlugin100, 0)} ms | ${fmt(b.tspcPlugin100 / b.tspc, 2)}x |`);
}

main();
