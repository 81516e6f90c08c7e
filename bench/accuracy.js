#!/usr/bin/env node
/**
 * `node bench/accuracy.js`: how close each figure is to the truth; writes ACCURACY.md.
 *
 * For eight everyday statements and the seed's two lines (examples/generators.ts), each line's
 * Increment under each backend ('heap', 'rss', 'exact'), its Peak (`peak: true`) and its Allocated
 * (`gc: true`) are set against the bytes the statement retains, measured independently: the same
 * statement unprofiled, in a function of its own (so no interpreter register keeps a temporary
 * alive), two full collections and a minor one before and after it, in a process of its own. Each
 * profiling process makes `--calls` calls: the first is the "first call" figure (a fresh process,
 * the case a user meets first), the others are the "warm calls". memory_profiler 0.61 on the Python
 * equivalents (bench/python/equivalents.py), against tracemalloc's count of what they retain.
 *
 * The measurements go to a JSON file (every field of every report line kept, so new fields cost
 * nothing), and the markdown is made from that file alone: `--from FILE.json` re-renders it.
 *
 * Usage: node bench/accuracy.js [--runs N] [--truth-runs N] [--calls N] [--seed-runs N] [--python-runs N]
 *          [--nodes 20,22,24,26] [--jobs N] [--exact-budget SECONDS] [--timeout SECONDS]
 *          [--json FILE] [--md FILE|-] [--from FILE.json [--truth-only]] [--no-build]
 */
'use strict';
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const flag = (name) => argv.includes(name);
const int = (name, fallback) => {
  const v = Number(arg(name, fallback));
  if (!Number.isInteger(v) || v < 0) {
    console.error(`accuracy.js: ${name} must be a non-negative integer, got ${arg(name)}`);
    process.exit(2);
  }
  return v;
};

/** Where the workloads are built and the raw measurements kept (ignored by git). */
const OUT = path.resolve(ROOT, arg('--dir', path.join('.tmp', 'accuracy')));
const OPTS = {
  /** Fresh processes per cell: each gives one first call and `calls - 1` warm calls. */
  runs: int('--runs', 2),
  /** Processes per truth: cheap (no profiler at work), and the truth has noise of its own. */
  truthRuns: Math.max(1, int('--truth-runs', 5)),
  calls: Math.max(1, int('--calls', 2)),
  /** Fresh processes per limit for the seed's question (list line's Peak above the generator's?). */
  seedRuns: int('--seed-runs', 2),
  pythonRuns: int('--python-runs', 3),
  nodes: arg('--nodes', '20,22,24,26').split(',').filter(Boolean),
  /** Processes at once: each measures memory in its own process, not time. */
  jobs: Math.max(1, int('--jobs', 2)),
  /** 'exact' on a loop is run only if a call is estimated (from a calibration loop) to take less. */
  exactBudget: int('--exact-budget', 20),
  timeout: int('--timeout', 300),
};
const JSON_FILE = path.resolve(ROOT, arg('--json', path.join(OUT, 'results.json')));
const MD_FILE = arg('--md', path.join(ROOT, 'ACCURACY.md'));
const FROM = arg('--from', null);

/**
 * The statements. `line` is the measured one (the only one of the profiled method marked); `setup`
 * runs before it; `keep` is what it retains. `passes`: how many probe-pairs a call runs on the line,
 * to estimate what 'exact' would cost. `py`: the Python equivalent (bench/python/equivalents.py).
 */
const WORKLOADS = [
  {
    name: 'numbers',
    what: '1e6 numbers pushed',
    passes: 1e6,
    setup: 'const xs: number[] = [];',
    line: 'for (let i = 0; i < 1e6; i++) xs.push(i);',
    keep: 'xs',
    py: 'xs = list(range(10**6))',
  },
  {
    name: 'objects',
    what: '1e5 small objects',
    passes: 1e5,
    setup: 'const os: { a: number }[] = [];',
    line: 'for (let i = 0; i < 1e5; i++) os.push({ a: i });',
    keep: 'os',
    py: "os = list(map(dict.fromkeys, repeat('a', 10**5), range(10**5)))",
  },
  {
    name: 'map',
    what: 'a Map of 1e5 string keys',
    passes: 1e5,
    setup: 'const m = new Map<string, number>();',
    line: "for (let i = 0; i < 1e5; i++) m.set('key' + i, i);",
    keep: 'm',
    py: "m = dict(zip(map('key{}'.format, range(10**5)), range(10**5)))",
  },
  {
    name: 'buffer',
    what: 'a 10 MB Buffer',
    passes: 1,
    setup: '',
    line: 'const buf = Buffer.alloc(10e6);',
    keep: 'buf',
    py: 'buf = bytearray(10**7)',
  },
  {
    name: 'json',
    what: 'JSON.parse of 5 MB',
    passes: 1,
    setup: '',
    line: 'const data = JSON.parse(TEXT);',
    keep: 'data',
    py: 'data = json.loads(TEXT)',
  },
  {
    name: 'float64',
    what: 'a Float64Array of 1e6',
    passes: 1,
    setup: '',
    line: 'const f = new Float64Array(1e6);',
    keep: 'f',
    py: "f = array.array('d', bytes(8 * 10**6))",
  },
  {
    name: 'join',
    what: 'a 1e6-character join',
    passes: 1e6,
    setup: '',
    line: "const s = Array.from({ length: 1e6 }, () => 'a').join('');",
    keep: 's',
    py: "s = ''.join(['a'] * 10**6)",
  },
  {
    name: 'readfile',
    what: 'readFileSync of 5 MB',
    passes: 1,
    setup: '',
    line: 'const file = fs.readFileSync(DATA);',
    keep: 'file',
    py: "with open(PATH, 'rb') as fh: file = fh.read()",
  },
];
const SEED_LIMIT = 1e5;
/** The seed's generator and list lines make ~2 probes per element each. */
const SEED_PASSES = 2 * SEED_LIMIT;
const SEED_LIMITS = [1e4, 3e4, 1e5, 3e5, 1e6];
const SEED_GEN = 'const PP = sum(function* () { for (let x = 0; x < THE_LIMIT; x++) yield x * x; }());';
const SEED_LIST = 'const NN = sum(Array.from({ length: THE_LIMIT }, (_, x) => x * x));';
/** The columns: which options, and which field of the line's report is the figure. */
const CONFIGS = [
  { key: 'heap', title: 'heap (default) Increment', options: {}, field: 'incrementBytes' },
  { key: 'rss', title: 'rss Increment', options: { backend: 'rss' }, field: 'incrementBytes' },
  { key: 'exact', title: 'exact Increment', options: { backend: 'exact' }, field: 'incrementBytes' },
  { key: 'peak', title: 'Peak (`peak: true`)', options: { peak: true }, field: 'peakBytes' },
  { key: 'gc', title: '`gc: true` Allocated', options: { gc: true }, field: 'allocatedBytes' },
];

// ---- the workloads' program ------------------------------------------------------------------------

function source() {
  const methods = WORKLOADS.map(
    (w) => `  @profile
  ${w.name}(): unknown {
    ${w.setup}
    ${w.line} // measured
    return ${w.keep};
  }
`,
  ).join('\n');
  return `// Generated by bench/accuracy.js: the workloads it measures.
import { profile, configure, type Report } from 'ts-memory-profiler';
import * as fs from 'fs';

const [mode, name, config = '{}', calls = '1', limitArg = '${SEED_LIMIT}'] = process.argv.slice(2);
const DATA = ${JSON.stringify(path.join(OUT, 'data.bin'))};
// About 5 MB of JSON, made before any call, and only where it is used.
const TEXT = name === 'json' ? JSON.stringify(Array.from({ length: 52000 }, (_, i) => ({ id: i, name: 'item ' + i, tags: ['a', 'b'], score: i / 7 }))) : '';
let keep: unknown = null;

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

export class Workloads {
${methods}
  @profile
  seed(limit: number): number {
    const THE_LIMIT = limit;
    ${SEED_GEN} // gen
    const a = 1;
    ${SEED_LIST} // list
    const b = 1;
    return PP - NN + a - b;
  }

  /** What a loop's pass costs under a backend: 'exact' is run on the loops only when affordable. */
  @profile
  calib(n: number): unknown {
    const xs: number[] = [];
    for (let i = 0; i < n; i++) xs.push(i);
    return xs;
  }
}

const sink = { write: () => true };
if (mode === 'calibrate') {
  configure({ ...JSON.parse(config), stream: sink });
  const w = new Workloads();
  w.calib(10);
  // Longer loops until one takes half a second: the cost of a pass once the loop is warm.
  let n = 50;
  let ms = 0;
  for (; n <= 1e6; n *= 4) {
    const t0 = process.hrtime.bigint();
    w.calib(n);
    ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms > 500) break;
  }
  console.log(JSON.stringify({ passes: Math.min(n, 1e6), ms, msPerPass: ms / Math.min(n, 1e6) }));
} else {
  const rows: unknown[] = [];
  const pick = (report: Report) => {
    // Every field of the marked lines (new ones included), and of the report but its lines.
    const out: Record<string, unknown> = {};
    const { lines, ...rest } = report;
    out.report = rest;
    for (const line of lines) {
      const mark = /\\/\\/ (measured|gen|list)$/.exec(line.source);
      if (mark) {
        const { source, ...fields } = line;
        out[mark[1]] = fields;
      }
    }
    rows.push(out);
  };
  configure({ ...JSON.parse(config), stream: sink, onReport: pick });
  const w = new Workloads() as unknown as Record<string, (n?: number) => unknown>;
  for (let i = 0; i < Number(calls); i++) {
    keep = null;
    keep = w[name](Number(limitArg));
  }
  // A turn for any report written late.
  setTimeout(() => console.log(JSON.stringify(rows)), 20);
}
`;
}

/**
 * The truths' program: the same statements, without the profiler loaded (with it loaded, the truth
 * moved by ~0.15 MB from process to process: a 10 MB Buffer read 9.83-10.12 MB; without, 10.00).
 */
function truthSource() {
  const truths = WORKLOADS.map((w) => `  ${w.name}: () => {\n    ${w.setup}\n    ${w.line}\n    return ${w.keep};\n  },`).join('\n');
  return `// Generated by bench/accuracy.js: what each statement retains, measured without the profiler.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeHeapSnapshot } from 'v8';

const [mode, name, config = '{}', calls = '1', limitArg = '${SEED_LIMIT}'] = process.argv.slice(2);
void mode; void config; void calls;
const DATA = ${JSON.stringify(path.join(OUT, 'data.bin'))};
const TEXT = name === 'json' ? JSON.stringify(Array.from({ length: 52000 }, (_, i) => ({ id: i, name: 'item ' + i, tags: ['a', 'b'], score: i / 7 }))) : '';
void DATA; void TEXT;
let keep: unknown = null;

// Each statement in a function of its own: once it has returned, no register of its frame holds a
// temporary (join's 8 MB array), so what is left is what the statement retains.
const TRUTH: Record<string, () => unknown> = {
${truths}
  list: () => Array.from({ length: Number(limitArg) }, (_, x) => x * x),
};

// Run with --expose-gc: two full collections (a temporary V8 itself still points at during the
// first is freed by the second) and a minor one, which finishes releasing the backing stores of
// ArrayBuffers freed by the full ones.
function settle(): void {
  const gc = (globalThis as unknown as { gc: (o?: { type: string }) => void }).gc;
  gc();
  gc();
  gc({ type: 'minor' });
}
// What is live, counted object by object in a heap snapshot: the self sizes of its nodes (an
// ArrayBuffer's backing store is a node of its own, its bytes), but V8's compiled code (the
// snapshot's 'code' nodes: code, bytecode, feedback, function infos). Not the heap's used size:
// on Node 20 that read a Map of 1e5 keys at 5.88-6.31 MB within one process, where the snapshot
// counts 6,070,088 B every time (the keys' strings and the table's arrays), as Node 26's used size
// does too.
function live(): number {
  const file = writeHeapSnapshot(path.join(os.tmpdir(), 'truth-' + process.pid + '.heapsnapshot'));
  const snapshot = JSON.parse(fs.readFileSync(file, 'utf8'));
  fs.unlinkSync(file);
  const fields: string[] = snapshot.snapshot.meta.node_fields;
  const types: string[] = snapshot.snapshot.meta.node_types[0];
  const nodes: number[] = snapshot.nodes;
  const size = fields.indexOf('self_size');
  const type = fields.indexOf('type');
  let bytes = 0;
  for (let i = 0; i < nodes.length; i += fields.length) if (types[nodes[i + type]] !== 'code') bytes += nodes[i + size];
  return bytes;
}

// A first call compiles the statement's code (bytecode, feedback, a loop's optimised code: 0.1 to
// 0.3 MB) and makes the shapes of its objects once (V8's, not what the statement retains): it is
// made and dropped once before, in a function of its own: a register of this module's frame, still
// on the stack, kept the dropped result alive (JSON.parse's 8.7 MiB in the first snapshot, so the
// measurement read 1.59 MiB). Then one measurement (the snapshots' own counts do not move).
function warm(): void {
  TRUTH[name]();
}
function measure(): number {
  keep = null;
  settle();
  const before = live();
  keep = TRUTH[name]();
  settle();
  return live() - before;
}
warm();
console.log(JSON.stringify({ bytes: measure() }));
void keep;
`;
}

function build() {
  fs.rmSync(path.join(OUT, 'out'), { recursive: true, force: true });
  fs.mkdirSync(path.join(OUT, 'src'), { recursive: true });
  fs.writeFileSync(path.join(OUT, 'data.bin'), Buffer.alloc(5e6, 7));
  fs.writeFileSync(path.join(OUT, 'package.json'), '{"private":true}');
  fs.writeFileSync(
    path.join(OUT, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'commonjs',
        strict: true,
        outDir: 'out',
        rootDir: 'src',
        types: ['node'],
        skipLibCheck: true,
        plugins: [{ transform: 'ts-memory-profiler/transformer' }],
      },
      include: ['src'],
    }),
  );
  fs.writeFileSync(path.join(OUT, 'src', 'main.ts'), source());
  fs.writeFileSync(path.join(OUT, 'src', 'truth.ts'), truthSource());
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tspc'), ['-p', OUT], { stdio: 'inherit' });
}

// ---- running processes -------------------------------------------------------------------------------

/** The node binary of a major version: the system node for its own major, else an installed one. */
function nodeFor(major) {
  const candidates = [
    process.execPath,
    path.join(ROOT, '.node-versions', major, 'node_modules', '.bin', 'node'),
    `/tmp/nodes/n${major}/node_modules/.bin/node`,
  ];
  for (const bin of candidates) {
    try {
      const v = execFileSync(bin, ['-v'], { encoding: 'utf8' }).trim();
      if (v.startsWith(`v${major}.`)) return { bin, version: v };
    } catch {
      // not there: the next one
    }
  }
  return null;
}

/** One process; resolves to its last stdout line parsed, or { error }. */
function runOne(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), OPTS.timeout * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0)
        return resolve({
          error: signal
            ? `killed after ${OPTS.timeout} s`
            : (
                err
                  .trim()
                  .split('\n')
                  .find((l) => /Error|error/.test(l)) ??
                err.trim().split('\n')[0] ??
                `exit ${code}`
              ).slice(0, 200),
        });
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch (e) {
        resolve({ error: `unreadable output: ${out.slice(0, 100)}` });
      }
    });
  });
}

/** Runs tasks (functions returning promises), `jobs` at a time, results in order. */
async function pool(tasks, jobs) {
  const results = new Array(tasks.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
      done++;
      if (done % 20 === 0 || done === tasks.length) process.stderr.write(`  ${done}/${tasks.length}\r`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
  process.stderr.write('\n');
  return results;
}

const MAIN = () => path.join(OUT, 'out', 'main.js');
const TRUTH_JS = () => path.join(OUT, 'out', 'truth.js');
/**
 * The truth's processes: gc() for its collections, and no bytecode flushing: V8 throws away the
 * bytecode of functions unused over a few full collections, and the profiler's module code loaded
 * at start-up could go during the measured window (read as up to 0.1 MB freed).
 */
const TRUTH_FLAGS = ['--expose-gc', '--no-flush-bytecode'];

/** Every figure for one Node version: raw samples, nothing summarised. */
async function measureVersion(node) {
  const r = {
    node: node.version,
    truthFlags: TRUTH_FLAGS,
    truthProgram: 'truth.js',
    truthMethod: 'snapshot',
    truth: {},
    cells: {},
    seedQuestion: {},
    listSizes: {},
    exact: null,
  };
  const t0 = Date.now();
  // What one pass of a loop costs under 'exact', and so which loops it can be run on.
  const cal = await runOne(node.bin, [MAIN(), 'calibrate', 'calib', JSON.stringify({ backend: 'exact' })]);
  r.exact = cal;
  const exactSkip = (passes) => {
    if (cal.error) return `calibration failed: ${cal.error}`;
    const seconds = (passes * cal.msPerPass) / 1000;
    return seconds * OPTS.calls > OPTS.exactBudget
      ? `not run: ~${fmtDuration(seconds)} a call (${cal.msPerPass.toFixed(2)} ms a pass)`
      : null;
  };
  const tasks = [];
  const put = (fn) => tasks.push(fn);
  const items = [...WORKLOADS.map((w) => ({ name: w.name, passes: w.passes })), { name: 'seed', passes: SEED_PASSES }];
  for (const it of [...WORKLOADS.map((w) => w.name), 'list']) {
    r.truth[it] = [];
    for (let i = 0; i < OPTS.truthRuns; i++)
      put(async () => r.truth[it].push(await runOne(node.bin, [...TRUTH_FLAGS, TRUTH_JS(), 'measure', it, '{}', '1', String(SEED_LIMIT)])));
  }
  for (const c of CONFIGS) {
    r.cells[c.key] = {};
    for (const it of items) {
      const skip = c.key === 'exact' ? exactSkip(it.passes) : null;
      r.cells[c.key][it.name] = skip ? { skipped: skip } : { runs: [] };
    }
  }
  // Run by run, every cell in each: a change of the machine's load falls on all cells alike.
  for (let i = 0; i < OPTS.runs; i++) {
    for (const c of CONFIGS) {
      for (const it of items) {
        const cell = r.cells[c.key][it.name];
        if (cell.skipped) continue;
        put(async () =>
          cell.runs.push(await runOne(node.bin, [MAIN(), 'profile', it.name, JSON.stringify(c.options), String(OPTS.calls)])),
        );
      }
    }
  }
  if (OPTS.seedRuns > 0) {
    for (const limit of SEED_LIMITS) {
      r.seedQuestion[limit] = [];
      r.listSizes[limit] = [];
      for (let i = 0; i < OPTS.seedRuns; i++)
        put(async () =>
          r.seedQuestion[limit].push(await runOne(node.bin, [MAIN(), 'profile', 'seed', '{"peak":true}', '1', String(limit)])),
        );
      for (let i = 0; i < OPTS.truthRuns; i++)
        put(async () =>
          r.listSizes[limit].push(await runOne(node.bin, [...TRUTH_FLAGS, TRUTH_JS(), 'measure', 'list', '{}', '1', String(limit)])),
        );
    }
  }
  await pool(tasks, OPTS.jobs);
  r.seconds = Math.round((Date.now() - t0) / 1000);
  return r;
}

async function measurePython() {
  const py = '/usr/bin/python3';
  let version;
  try {
    execFileSync(py, ['-c', 'import memory_profiler'], { stdio: 'ignore' });
    version = execFileSync(py, ['-c', 'import sys, memory_profiler; print(sys.version.split()[0], memory_profiler.__version__)'], {
      encoding: 'utf8',
    })
      .trim()
      .split(' ');
  } catch {
    return { skipped: 'no memory_profiler for /usr/bin/python3 (apt-get install python3-memory-profiler)' };
  }
  const t0 = Date.now();
  const file = path.join(__dirname, 'python', 'equivalents.py');
  const data = path.join(OUT, 'data.bin');
  const out = { python: version[0], memoryProfiler: version[1], truth: {}, runs: {} };
  const tasks = [];
  for (const name of [...WORKLOADS.map((w) => w.name), 'seed']) {
    out.truth[name] = [];
    out.runs[name] = [];
    for (let i = 0; i < OPTS.pythonRuns; i++) {
      tasks.push(async () => out.truth[name].push(await runOne(py, [file, name, 'measure', data])));
      // The seed's comprehensions are traced line by line: one call a process.
      tasks.push(async () =>
        out.runs[name].push(await runOne(py, [file, name, 'profile', data, String(name === 'seed' ? 1 : OPTS.calls)])),
      );
    }
  }
  await pool(tasks, OPTS.jobs);
  out.seedLimit = Number(/^SEED_LIMIT = 10\*\*(\d+)$/m.exec(fs.readFileSync(file, 'utf8'))?.[1] ?? NaN);
  out.seconds = Math.round((Date.now() - t0) / 1000);
  return out;
}

// ---- from the measurements to the markdown -----------------------------------------------------------

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (x, truth) => (100 * (x - truth)) / truth;
const sign = (x, digits = 0) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;
const mib = (b) => `${(b / 2 ** 20).toFixed(2)}`;
function fmtDuration(s) {
  if (!Number.isFinite(s)) return '?';
  return s < 120 ? `${Math.round(s)} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
}
/** "median [min, max]" of % errors, and how many samples. */
function fmtPct(xs) {
  if (xs.length === 0) return '–';
  return `${sign(median(xs))}% [${sign(Math.min(...xs))}, ${sign(Math.max(...xs))}] (${xs.length})`;
}
function fmtMiB(xs) {
  if (xs.length === 0) return '–';
  return `${mib(median(xs))} [${mib(Math.min(...xs))}, ${mib(Math.max(...xs))}] (${xs.length})`;
}
/** The successful runs' bytes, median: an independently measured size. */
const truthOf = (samples) => {
  const ok = (samples ?? []).filter((s) => !s.error && Number.isFinite(s.bytes)).map((s) => s.bytes);
  return ok.length ? median(ok) : null;
};
/** The truth's median, and its own range when its runs differ by 0.01 MiB or more. */
const truthText = (samples) => {
  const ok = samples.filter((s) => !s.error && Number.isFinite(s.bytes)).map((s) => s.bytes);
  const spread = Math.max(...ok) - Math.min(...ok) >= 0.01 * 2 ** 20;
  return mib(median(ok)) + (spread ? ` [${mib(Math.min(...ok))}, ${mib(Math.max(...ok))}]` : '');
};
/** A cell's samples of one mark: first calls and warm calls, the figure's field of each. */
function samples(cell, mark, field) {
  const first = [];
  const warm = [];
  for (const run of cell.runs ?? []) {
    if (!Array.isArray(run)) continue;
    run.forEach((call, i) => {
      const v = call?.[mark]?.[field];
      if (typeof v === 'number' && Number.isFinite(v)) (i === 0 ? first : warm).push(v);
    });
  }
  return { first, warm };
}
const errorsOf = (cell) => (cell.runs ?? []).filter((r) => r && r.error).map((r) => r.error);
function cellText(cell, mark, field, fmt, which) {
  if (!cell) return '–';
  if (cell.skipped) return cell.skipped;
  const xs = samples(cell, mark, field)[which];
  const errors = errorsOf(cell);
  if (xs.length === 0) return errors.length ? `failed: ${errors[0]}` : 'no figure in the report';
  return fmt(xs) + (errors.length ? ` (${errors.length} failed)` : '');
}

function versionSection(r, opts) {
  const lines = [`### Node ${r.node}`, '', `Measured in ${fmtDuration(r.seconds)}.`, ''];
  for (const which of ['first', 'warm']) {
    lines.push(
      which === 'first'
        ? `**First calls**, one per fresh process: % error against the retained bytes, median [min, max] (samples).`
        : `**Warm calls** (${opts.calls > 2 ? `calls 2–${opts.calls}` : 'the second call'} of each process): % error against the retained bytes, median [min, max] (samples).`,
      '',
    );
    lines.push(`| statement | retained, MiB (median [min, max]) | ${CONFIGS.map((c) => c.title).join(' | ')} |`);
    lines.push(`|---|---|${CONFIGS.map(() => '---').join('|')}|`);
    for (const w of WORKLOADS) {
      const truth = truthOf(r.truth[w.name]);
      const cells = CONFIGS.map((c) =>
        truth
          ? cellText(r.cells[c.key]?.[w.name], 'measured', c.field, (xs) => fmtPct(xs.map((x) => pct(x, truth))), which)
          : 'no retained size',
      );
      lines.push(`| ${w.what} | ${truth == null ? '–' : truthText(r.truth[w.name])} | ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  const live = truthOf(r.truth.list);
  lines.push(
    `**The seed's two lines** at limit ${SEED_LIMIT.toExponential(0)}: both retain nothing, so the figures are in MiB, median [min, max] (samples); the list line's Peak is also given as % error against the list's live size, ${live == null ? '–' : mib(live) + ' MiB'} (measured as above).`,
    '',
  );
  lines.push(`| line | calls | ${CONFIGS.map((c) => c.title).join(' | ')} |`);
  lines.push(`|---|---|${CONFIGS.map(() => '---').join('|')}|`);
  for (const [mark, label] of [
    ['gen', 'generator'],
    ['list', 'list'],
  ]) {
    for (const which of ['first', 'warm']) {
      const cells = CONFIGS.map((c) => {
        const cell = r.cells[c.key]?.seed;
        let text = cellText(cell, mark, c.field, fmtMiB, which);
        if (mark === 'list' && c.key === 'peak' && live && cell && !cell.skipped) {
          const xs = samples(cell, mark, c.field)[which];
          if (xs.length) text += `; ${fmtPct(xs.map((x) => pct(x, live))).replace(/ \(\d+\)$/, '')} of the live size`;
        }
        return text;
      });
      lines.push(`| ${label} | ${which === 'first' ? 'first' : 'warm'} | ${cells.join(' | ')} |`);
    }
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * Issue 13's bounds, counted from the same samples: the default Increment's median error within
 * 25% and no negative Increment on a line retaining 1 MB or more (9 of 10 first calls, 9 of 10 warm
 * calls), and 'exact' within 1% of the retained size in every call.
 */
function summarySection(all) {
  const lines = [
    "| Node | default Increment: statements with median error within ±25%, first / warm | negative default Increments on lines retaining ≥ 1 MB, first / warm | 'exact' Increments within 1% of the retained size |",
    '|---|---|---|---|',
  ];
  for (const r of Object.values(all.versions)) {
    if (r.skipped) continue;
    const within = { first: 0, warm: 0 };
    const neg = { first: [0, 0], warm: [0, 0] };
    const exact = [0, 0];
    let measured = 0;
    for (const w of WORKLOADS) {
      const truth = truthOf(r.truth[w.name]);
      if (!truth) continue;
      measured++;
      const s = samples(r.cells.heap?.[w.name] ?? {}, 'measured', 'incrementBytes');
      for (const which of ['first', 'warm']) {
        if (s[which].length && Math.abs(pct(median(s[which]), truth)) <= 25) within[which]++;
        // 1 MB or more: the join's 1,000,000-character string is one of them.
        if (truth >= 0.95e6) {
          neg[which][0] += s[which].filter((x) => x < 0).length;
          neg[which][1] += s[which].length;
        }
      }
      const e = samples(r.cells.exact?.[w.name] ?? {}, 'measured', 'incrementBytes');
      for (const x of [...e.first, ...e.warm]) {
        exact[0] += Math.abs(pct(x, truth)) <= 1 ? 1 : 0;
        exact[1]++;
      }
    }
    lines.push(
      `| ${r.node} | ${within.first}/${measured} / ${within.warm}/${measured} | ${neg.first[0]}/${neg.first[1]} / ${neg.warm[0]}/${neg.warm[1]} | ${exact[0]}/${exact[1]} (the statements it ran on) |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

function seedQuestionSection(r) {
  const limits = Object.keys(r.seedQuestion ?? {});
  if (limits.length === 0) return null;
  const lines = [`Node ${r.node}, \`peak: true\`, first call in each fresh process:`, ''];
  lines.push(
    "| limit | list's Peak > generator's | list's Peak, MiB (median [min, max]) | list's live size, MiB | Peak / live size (min–max) |",
  );
  lines.push('|---|---|---|---|---|');
  for (const limit of limits) {
    const rows = r.seedQuestion[limit]
      .filter((x) => Array.isArray(x) && x[0]?.list && typeof x[0].list.peakBytes === 'number')
      .map((x) => x[0]);
    const failed = r.seedQuestion[limit].length - rows.length;
    const live = truthOf(r.listSizes[limit]);
    if (rows.length === 0) {
      lines.push(`| ${Number(limit).toExponential(0)} | – (${failed} failed) | – | ${live == null ? '–' : mib(live)} | – |`);
      continue;
    }
    const wins = rows.filter((x) => x.list.peakBytes > (x.gen?.peakBytes ?? 0)).length;
    const peaks = rows.map((x) => x.list.peakBytes);
    const ratio = live ? `${((100 * Math.min(...peaks)) / live).toFixed(0)}%–${((100 * Math.max(...peaks)) / live).toFixed(0)}%` : '–';
    lines.push(
      `| ${Number(limit).toExponential(0)} | ${wins}/${rows.length}${failed ? ` (${failed} failed)` : ''} | ${fmtMiB(peaks).replace(/ \(\d+\)$/, '')} | ${live == null ? '–' : mib(live)} | ${ratio} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

/** memory_profiler's rows are {mark: bytes}: as a cell whose marks have the field 'inc'. */
const pyCell = (runs) => ({
  runs: (runs ?? []).map((run) =>
    Array.isArray(run) ? run.map((call) => Object.fromEntries(Object.entries(call).map(([k, v]) => [k, { inc: v }]))) : run,
  ),
});

function pythonSection(p, opts) {
  if (!p) return 'Not measured in this run (`--python-runs 0`).\n';
  if (p.skipped) return `Not measured: ${p.skipped}.\n`;
  const lines = [
    `memory_profiler ${p.memoryProfiler} (its default backend, the RSS), Python ${p.python}, \`/usr/bin/python3 bench/python/equivalents.py\`: each statement's Increment against the bytes it retains by \`tracemalloc\` (CPython frees temporaries at once, so what a call leaves traced is what it retains), % error, median [min, max] (samples); ${opts.pythonRuns} fresh processes, ${opts.calls} calls each (${fmtDuration(p.seconds)}). Python's structures are not JavaScript's (a list of ints holds an object per int, a str of ASCII is 1 byte a character): compare the errors, not the sizes.`,
    '',
  ];
  lines.push(
    '| statement | Python | retained (tracemalloc, MiB) | peak while it ran (tracemalloc, MiB) | memory_profiler Increment, first call | memory_profiler Increment, warm calls |',
  );
  lines.push('|---|---|---|---|---|---|');
  for (const w of WORKLOADS) {
    const truth = truthOf(p.truth[w.name]);
    const peaks = (p.truth[w.name] ?? []).filter((s) => Number.isFinite(s.peak)).map((s) => s.peak);
    const cell = pyCell(p.runs[w.name]);
    const f = (which) => (truth ? cellText(cell, 'measured', 'inc', (xs) => fmtPct(xs.map((x) => pct(x, truth))), which) : '–');
    lines.push(
      `| ${w.what} | \`${w.py}\` | ${truth == null ? '–' : mib(truth)} | ${peaks.length ? mib(median(peaks)) : '–'} | ${f('first')} | ${f('warm')} |`,
    );
  }
  lines.push('');
  const seedCell = pyCell(p.runs.seed);
  const t = (mark, key) => {
    const xs = (p.truth.seed ?? []).filter((s) => s?.[mark]).map((s) => s[mark][key]);
    return xs.length ? mib(median(xs)) : '–';
  };
  lines.push(
    `The seed's lines at limit ${Number.isFinite(p.seedLimit) ? '1e' + p.seedLimit : '?'} (one call a process: memory_profiler reads the RSS at every step of the comprehensions), MiB, median [min, max] (samples):`,
    '',
  );
  lines.push('| line | memory_profiler Increment | tracemalloc: retained | tracemalloc: peak while it ran |');
  lines.push('|---|---|---|---|');
  for (const [mark, label] of [
    ['gen', 'generator'],
    ['list', 'list'],
  ]) {
    const cell = { runs: seedCell.runs };
    const wins =
      mark === 'list'
        ? seedCell.runs.filter((run) => Array.isArray(run) && run[0]?.list && run[0]?.gen && run[0].list.inc > run[0].gen.inc).length
        : null;
    lines.push(
      `| ${label} | ${cellText(cell, mark, 'inc', fmtMiB, 'first')}${wins == null ? '' : `; above the generator's in ${wins}/${seedCell.runs.length}`} | ${t(mark, 'bytes')} | ${t(mark, 'peak')} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

const INTRO = (all) => {
  const o = all.options;
  const exactNotes = Object.values(all.versions)
    .filter((r) => r.exact && !r.exact.error)
    // In µs: a pass of a one-line loop costs no reading of its own (0.00 ms in ms).
    .map((r) => `${r.node} ${(1000 * r.exact.msPerPass).toFixed(3)} µs`)
    .join(', ');
  return `# How close the figures are

Made by \`node bench/accuracy.js\` (it builds the package and the workloads first, measures, and
writes this file; \`--md -\` prints it instead). This run: \`${all.command}\`, ${fmtDuration(all.seconds)} on
${all.machine}, at commit \`${all.commit}\`${all.dirty ? ' (with uncommitted changes)' : ''} (the profiler's code as of \`${all.codeCommit ?? '?'}\`), ${all.date}.
Options: \`--runs N\` fresh processes per cell (this run ${o.runs}), \`--truth-runs N\` per truth (${o.truthRuns ?? o.runs}), \`--calls N\` calls in each
(${o.calls}: the first is the *first call* figure, the others the *warm calls*), \`--seed-runs N\`
processes per limit for the seed's question (${o.seedRuns}), \`--python-runs N\` (${o.pythonRuns}),
\`--nodes 20,22,24,26\`, \`--jobs N\` processes at once (${o.jobs}), \`--exact-budget S\`: 'exact' is run
on a loop only when a call is estimated to take under S seconds (${o.exactBudget}). The raw
measurements (every field of every report line) go to \`.tmp/accuracy/results.json\`;
\`node bench/accuracy.js --from FILE.json\` makes this file again from them alone. Node 20 is the
system \`node\`; 22, 24 and 26 come from \`scripts/node-versions.sh install 22 24 26\` or \`/tmp/nodes\`.

**The truth.** For each statement, the bytes it retains, measured independently: the same statement
unprofiled, in a function of its own, called once before (its compiled code, 0.1–0.3 MB on a first
call, and its objects' shapes are made then), and then once between two heap snapshots (\`v8.writeHeapSnapshot\`,
after two full collections and a minor one, \`--expose-gc\`). ${
    Object.values(all.versions).every((r) => r.skipped || r.truthMethod === 'snapshot')
      ? "The bytes are the self sizes of the snapshot's objects (an \`ArrayBuffer\`'s backing store is one of them), less V8's compiled code ('code' nodes: code, bytecode, feedback): counted object by object, a truth's processes agree within 2 KB (0-1,592 B apart on every statement and version, the last time this was written). The used heap is not read: on Node 20 it put a Map of 1e5 keys at 5.88–6.31 MB within one process, where the snapshots count 6,070,088 B each time, as Node 26's used heap reads it."
      : "In this run the truth was read as 'exact' reads (the lower of V8's used heap and its spaces' sum, plus external memory, less code and bytecode), median of five measurements in a process; on Node 20 that reading moves by ~150–300 KB from one measurement to the next."
  } Median [min, max] of ${o.truthRuns ?? o.runs} processes.
Temporaries are gone by then: the \`join\` line retains its 1 MB string, not the 8 MB array it was
made from. ${
    Object.values(all.versions).every((r) => r.skipped || r.truthFlags?.includes('--no-flush-bytecode'))
      ? 'Bytecode flushing is off in these processes (\`--no-flush-bytecode\`: V8 would drop the\nbytecode of start-up code gone unused during the window).'
      : 'In this run bytecode flushing was on in these processes: V8 can drop the bytecode of start-up\ncode gone unused during the window (later runs pass \`--no-flush-bytecode\`).'
  } ${
    Object.values(all.versions).every((r) => r.skipped || r.truthProgram === 'truth.js')
      ? 'These processes do not load the profiler: with it loaded, the truth moved by up to ~0.15 MB\nfrom process to process (a 10,000,000-byte Buffer read 9,833,040 to 10,115,296 B in ten\nprocesses; without it, 10,001,536 B in five). Its range is shown in the tables.'
      : "In this run these processes loaded the profiler, and the truth moves by up to ~0.15 MB from\nprocess to process (its range is in the tables): an error within ±2% of a few-MB statement is\nwithin the truth's own noise."
  }${
    Object.values(all.versions).some((r) => r.truthRemeasured)
      ? ` The truths of this run were measured again after it (\`--truth-only --from\`, ${Object.values(all.versions).find((r) => r.truthRemeasured).truthRemeasured}).`
      : ''
  }

**The figures**, each the marked line's, \`100 × (figure − retained) / retained\`:

- **heap**, **rss**, **exact**: the line's Increment under each backend. 'exact' collects at each
  reading, and reads where a line's work starts, not at the probes of the line already running: a
  loop on one line costs one reading. It is run on a loop only where a calibration loop (on one
  line, as these statements are) says a call fits the budget (one pass of it under 'exact' took:
  ${exactNotes || '–'}).
- **Peak** (\`peak: true\`): the most live memory the line reached above its start. For a statement
  that keeps what it makes, it should be the retained size; the \`join\` line needs its 8 MB
  temporary array too, so its Peak is *meant* to be far above: ~+700% (the array alone) to ~+800%
  (the array and the string at once).
- **\`gc: true\` Allocated**: what the line allocated, garbage collected meanwhile included; above
  the retained size wherever the statement makes garbage (\`join\`: its array; pushes: the arrays they
  outgrow; \`Map\`: its rehashes and the key strings' temporaries).
- **rss** reads pages touched: a \`Buffer.alloc\` or typed array whose zeroed pages were never
  written reads about −100%; memory the allocator keeps after a collection is not given back at once.

A first call is the case a user meets first: it includes V8 compiling the method and its callbacks.
Warm calls follow other calls in the same process: garbage left by the earlier calls (and what the
workload retained, which the next call drops) is collected when V8 decides, inside some later line,
so a heap Increment can read far below the truth on a warm call.
`;
};

function render(all) {
  const parts = [INTRO(all)];
  parts.push('## In short', '', "Issue 13's bounds, counted from the tables below:", '', summarySection(all));
  parts.push("## The eight statements and the seed's lines", '');
  for (const [major, r] of Object.entries(all.versions)) {
    if (r.skipped) parts.push(`### Node ${major}`, '', `Not measured: ${r.skipped}.`, '');
    else parts.push(versionSection(r, all.options));
  }
  const sq = Object.values(all.versions)
    .filter((r) => !r.skipped)
    .map(seedQuestionSection)
    .filter(Boolean);
  parts.push("## The seed's question with Peak", '');
  parts.push(
    sq.length
      ? `Is the list line's Peak above the generator line's, and near the list's live size (measured as above, median of ${all.options.truthRuns ?? Math.min(3, all.options.runs || 1)})? \`examples/generators.ts\`'s method, ${all.options.seedRuns} fresh processes per limit.\n\n` +
          sq.join('\n')
      : `Not measured in this run${all.options.seedRuns ? '' : ' (`--seed-runs 0`)'}.\n`,
  );
  parts.push('## memory_profiler on the Python equivalents', '');
  parts.push(pythonSection(all.python, all.options));
  return parts.join('\n').replace(/\n{3,}/g, '\n\n');
}

/** `--truth-only --from FILE.json`: measures the truths again (this script's way) into FILE.json's figures. */
async function remeasureTruths(all) {
  build();
  for (const [major, r] of Object.entries(all.versions)) {
    if (r.skipped) continue;
    const node = nodeFor(major);
    if (!node) throw new Error(`no Node ${major} to measure the truths with`);
    const tasks = [];
    for (const it of Object.keys(r.truth)) {
      r.truth[it] = [];
      for (let i = 0; i < OPTS.truthRuns; i++)
        tasks.push(async () =>
          r.truth[it].push(await runOne(node.bin, [...TRUTH_FLAGS, TRUTH_JS(), 'measure', it, '{}', '1', String(SEED_LIMIT)])),
        );
    }
    for (const limit of Object.keys(r.listSizes ?? {})) {
      r.listSizes[limit] = [];
      for (let i = 0; i < OPTS.truthRuns; i++)
        tasks.push(async () =>
          r.listSizes[limit].push(await runOne(node.bin, [...TRUTH_FLAGS, TRUTH_JS(), 'measure', 'list', '{}', '1', String(limit)])),
        );
    }
    process.stderr.write(`Node ${node.version}: the truths\n`);
    await pool(tasks, OPTS.jobs);
    r.truthFlags = TRUTH_FLAGS;
    r.truthProgram = 'truth.js';
    r.truthMethod = 'snapshot';
    r.truthRemeasured = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  }
}

async function main() {
  if (FROM && flag('--truth-only')) {
    const all = JSON.parse(fs.readFileSync(path.resolve(FROM), 'utf8'));
    await remeasureTruths(all);
    all.options.truthRuns = OPTS.truthRuns;
    fs.writeFileSync(JSON_FILE, JSON.stringify(all, null, 1));
    write(render(all));
    return;
  }
  if (FROM) {
    write(render(JSON.parse(fs.readFileSync(path.resolve(FROM), 'utf8'))));
    return;
  }
  const t0 = Date.now();
  const load0 = os.loadavg()[0];
  if (!flag('--no-build')) execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  build();
  const git = (...a) => {
    try {
      return execFileSync('git', a, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  const all = {
    command: ['node bench/accuracy.js', ...argv].join(' '),
    commit: git('rev-parse', '--short', 'HEAD'),
    // The last commit that changed what is measured (the script's own commits change nothing).
    codeCommit: git('log', '-1', '--format=%h', '--', 'runtime', 'transformer'),
    dirty: git('status', '--porcelain', '--untracked-files=no') !== '',
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    options: OPTS,
    versions: {},
  };
  // memory_profiler first: it is the cheapest part, and the JSON is written after each part.
  if (OPTS.pythonRuns > 0) {
    process.stderr.write('memory_profiler\n');
    all.python = await measurePython();
  }
  for (const major of OPTS.nodes) {
    const node = nodeFor(major);
    if (!node) {
      all.versions[major] = { skipped: `no Node ${major} found (scripts/node-versions.sh install ${major})` };
      continue;
    }
    process.stderr.write(`Node ${node.version}\n`);
    all.versions[major] = await measureVersion(node);
    fs.mkdirSync(path.dirname(JSON_FILE), { recursive: true });
    fs.writeFileSync(JSON_FILE, JSON.stringify(all, null, 1));
  }
  all.seconds = Math.round((Date.now() - t0) / 1000);
  all.machine = `${os.cpus().length} cores, load average ${load0.toFixed(1)} at the start and ${os.loadavg()[0].toFixed(1)} at the end`;
  fs.mkdirSync(path.dirname(JSON_FILE), { recursive: true });
  fs.writeFileSync(JSON_FILE, JSON.stringify(all, null, 1));
  write(render(all));
}

function write(md) {
  if (MD_FILE === '-') process.stdout.write(md);
  else fs.writeFileSync(path.resolve(MD_FILE), md);
}

if (flag('--build-only')) build();
else
  main().catch((e) => {
    console.error(`accuracy.js: ${e.stack ?? e}`);
    process.exit(1);
  });
