#!/usr/bin/env node
/**
 * `node bench/accuracy.js`: how close each figure is to the truth, the table in ACCURACY.md.
 *
 * For eight everyday statements and the seed's two lines, each line's Increment under each backend,
 * its Peak (`peak: true`) and its Allocated (`gc: true`) are set against the bytes the statement
 * retains, measured independently: the same code unprofiled, two full collections and a minor one
 * (which finishes releasing freed ArrayBuffers) before and after it, in a process of its own. Every figure
 * is a first call in a fresh process (the case a user meets first); the default is also measured on
 * warm calls (calls 2 to 10 of one process). memory_profiler 0.61 on the Python equivalents, against
 * tracemalloc's count of what they retain, where /usr/bin/python3 has it.
 *
 * Usage: node bench/accuracy.js [--runs N] [--nodes 20,22,24,26] [--seed-runs N] [--out FILE.json]
 *   (the markdown goes to stdout; the machine is shared, so the defaults are modest)
 */
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
/** Where the workloads are built (`--dir`, so two runs can go side by side). */
const OUT = path.resolve(ROOT, arg('--dir', path.join('.tmp', 'accuracy')));
const BIN = path.join(ROOT, 'node_modules', '.bin');
/** `--only seed`, `--only table` or `--only python`: a part of the figures. */
const ONLY = arg('--only', 'all');
const RUNS = Number(arg('--runs', 5));
const SEED_RUNS = Number(arg('--seed-runs', 20));
const NODES = {
  20: process.execPath.includes('/tmp/nodes/') ? 'node' : process.execPath,
  22: '/tmp/nodes/n22/node_modules/.bin/node',
  24: '/tmp/nodes/n24/node_modules/.bin/node',
  26: '/tmp/nodes/n26/node_modules/.bin/node',
};
const VERSIONS = arg('--nodes', '20,22,24,26').split(',');
const JSON_OUT = arg('--out', null);

/** Each workload: lines before the measured one, the measured line, what keeps its result alive. */
const WORKLOADS = [
  { name: 'numbers', loop: true, what: '1e6 numbers pushed', setup: 'const xs: number[] = [];', line: 'for (let i = 0; i < 1e6; i++) xs.push(i);', keep: 'xs' },
  { name: 'objects', loop: true, what: '1e5 small objects', setup: 'const os: { a: number }[] = [];', line: 'for (let i = 0; i < 1e5; i++) os.push({ a: i });', keep: 'os' },
  { name: 'map', loop: true, what: 'a Map of 1e5 string keys', setup: 'const m = new Map<string, number>();', line: "for (let i = 0; i < 1e5; i++) m.set('key' + i, i);", keep: 'm' },
  { name: 'buffer', what: 'a 10 MB Buffer', setup: '', line: 'const buf = Buffer.alloc(10e6);', keep: 'buf' },
  { name: 'json', what: 'JSON.parse of 5 MB', setup: '', line: 'const data = JSON.parse(TEXT);', keep: 'data' },
  { name: 'float64', what: 'a Float64Array of 1e6', setup: '', line: 'const f = new Float64Array(1e6);', keep: 'f' },
  { name: 'join', loop: true, what: 'a 1e6-character join', setup: '', line: "const s = Array.from({ length: 1e6 }, () => 'a').join('');", keep: 's' },
  { name: 'readfile', what: 'readFileSync of 5 MB', setup: '', line: 'const file = fs.readFileSync(DATA);', keep: 'file' },
];
const SEED_LIMIT = 1e5;
const SEED_GEN = `const PP = sum(function* () { for (let x = 0; x < THE_LIMIT; x++) yield x * x; }());`;
const SEED_LIST = `const NN = sum(Array.from({ length: THE_LIMIT }, (_, x) => x * x));`;
const CONFIGS = {
  heap: {},
  rss: { backend: 'rss' },
  exact: { backend: 'exact' },
  peak: { peak: true },
  gc: { gc: true },
};

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
  const measures = WORKLOADS.map(
    (w) => `  ${w.name}: () => {
    ${w.setup}
    settle();
    const before = reading();
    ${w.line}
    settle();
    const after = reading();
    keep = ${w.keep};
    return after - before;
  },`,
  ).join('\n');
  return `import { profile, configure, type Report } from 'ts-memory-profiler';
import * as fs from 'fs';
import { getHeapStatistics, setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

const DATA = ${JSON.stringify(path.join(OUT, 'data.bin'))};
// About 5 MB of JSON, made before any call.
const TEXT = JSON.stringify(Array.from({ length: 52000 }, (_, i) => ({ id: i, name: 'item ' + i, tags: ['a', 'b'], score: i / 7 })));
let keep: unknown = null;

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (o?: { type: 'minor' }) => void;
setFlagsFromString('--no-expose-gc');
// Two full collections: a temporary that V8 itself still points at during the first (join's array)
// is freed by the second; the minor one finishes releasing freed ArrayBuffers.
function settle(): void {
  gc();
  gc();
  gc({ type: 'minor' });
}
function reading(): number {
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory;
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
}

const MEASURE: Record<string, () => number> = {
${measures}
  list: () => {
    const THE_LIMIT = ${SEED_LIMIT};
    settle();
    const before = reading();
    const list = Array.from({ length: THE_LIMIT }, (_, x) => x * x);
    settle();
    const after = reading();
    keep = list;
    return after - before;
  },
};

const [name, config, calls = '1', limit = '${SEED_LIMIT}'] = process.argv.slice(2);
if (config === 'measure') {
  console.log(JSON.stringify({ bytes: MEASURE[name]() }));
} else {
  const rows: unknown[] = [];
  const pick = (report: Report) => {
    const out: Record<string, unknown> = {};
    for (const line of report.lines) {
      const mark = /\\/\\/ (measured|gen|list)$/.exec(line.source);
      if (mark) out[mark[1]] = { inc: line.incrementBytes, peak: line.peakBytes, alloc: line.allocatedBytes };
    }
    rows.push(out);
  };
  configure({ ...JSON.parse(config), stream: { write: () => true }, onReport: pick });
  const w = new Workloads() as unknown as Record<string, (n?: number) => unknown>;
  for (let i = 0; i < Number(calls); i++) {
    keep = null;
    keep = w[name](Number(limit));
  }
  // gc: true writes its reports a turn or two later.
  setTimeout(() => console.log(JSON.stringify(rows)), 50);
}
`;
}

function build() {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(path.join(OUT, 'src'), { recursive: true });
  fs.writeFileSync(path.join(OUT, 'data.bin'), Buffer.alloc(5e6, 7));
  fs.writeFileSync(path.join(OUT, 'package.json'), '{"private":true}');
  fs.writeFileSync(
    path.join(OUT, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, outDir: 'out', rootDir: 'src', types: ['node'], skipLibCheck: true, plugins: [{ transform: 'ts-memory-profiler/transformer' }] },
      include: ['src'],
    }),
  );
  fs.writeFileSync(path.join(OUT, 'src', 'main.ts'), source());
  execFileSync(path.join(BIN, 'tspc'), ['-p', OUT], { stdio: 'inherit' });
}

function run(node, args) {
  const r = spawnSync(node, [path.join(OUT, 'out', 'main.js'), ...args], { encoding: 'utf8', cwd: ROOT });
  if (r.status !== 0) throw new Error(`${node} ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (x, truth) => (100 * (x - truth)) / truth;
const fmtPct = (xs) => {
  if (xs.length === 0) return '–';
  const r = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(0)}`;
  return `${r(median(xs))}% [${r(Math.min(...xs))}, ${r(Math.max(...xs))}]`;
};
const mib = (b) => `${(b / 2 ** 20).toFixed(2)} MiB`;

/** Figures for one Node version. */
function measureVersion(node) {
  const result = { truth: {}, fresh: {}, warm: {}, seed: {} };
  for (const w of [...WORKLOADS.map((w) => w.name), 'list']) {
    result.truth[w] = median(Array.from({ length: RUNS }, () => run(node, [w, 'measure']).bytes));
  }
  for (const [config, options] of Object.entries(CONFIGS)) {
    for (const w of WORKLOADS) {
      // 'exact' collects at every probe: a loop of 1e5-1e6 passes would take hours.
      if (config === 'exact' && w.loop) continue;
      const rows = [];
      for (let i = 0; i < RUNS; i++) rows.push(run(node, [w.name, JSON.stringify(options)])[0].measured);
      (result.fresh[config] ??= {})[w.name] = rows;
    }
    // The seed's lines are loops too (300,000 probes at 1e5).
    if (config === 'exact') continue;
    const seedRows = [];
    for (let i = 0; i < RUNS; i++) seedRows.push(run(node, ['seed', JSON.stringify(options)])[0]);
    result.seed[config] = seedRows;
  }
  for (const w of WORKLOADS) result.warm[w.name] = run(node, [w.name, '{}', '10']).slice(1).map((r) => r.measured);
  return result;
}

/** The seed's question with Peak: in fresh processes, is the list line's Peak above the generator line's? */
function seedQuestion(node) {
  const out = {};
  for (const limit of [1e4, 3e4, 1e5, 3e5, 1e6]) {
    const rows = [];
    for (let i = 0; i < SEED_RUNS; i++) rows.push(run(node, ['seed', '{"peak":true}', '1', String(limit)])[0]);
    out[limit] = rows;
  }
  return out;
}

function table(version, r) {
  const lines = [];
  lines.push(`### Node ${version}`, '');
  lines.push(`First call in a fresh process, ${RUNS} processes each: % error against the retained bytes, median [min, max].`, '');
  lines.push('| statement | retained | heap (default) | heap, warm calls | rss | exact | Peak | gc: true Allocated |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const w of WORKLOADS) {
    const truth = r.truth[w.name];
    const col = (config, field) => (r.fresh[config][w.name] ? fmtPct(r.fresh[config][w.name].map((x) => pct(x[field], truth))) : 'not run (a collection per probe)');
    const warm = fmtPct(r.warm[w.name].map((x) => pct(x.inc, truth)));
    const gcAlloc = r.fresh.gc[w.name].filter((x) => x.alloc != null).map((x) => pct(x.alloc, truth));
    lines.push(`| ${w.what} | ${mib(truth)} | ${col('heap', 'inc')} | ${warm} | ${col('rss', 'inc')} | ${col('exact', 'inc')} | ${col('peak', 'peak')} | ${fmtPct(gcAlloc)} |`);
  }
  const list = r.truth.list;
  const seedCol = (config, line, field, against) => {
    if (!r.seed[config]) return 'not run (a collection per probe)';
    const xs = r.seed[config].map((x) => x[line][field]).filter((x) => x != null);
    return against ? fmtPct(xs.map((x) => pct(x, against))) : `${mib(median(xs))} [${mib(Math.min(...xs))}, ${mib(Math.max(...xs))}]`;
  };
  lines.push('');
  lines.push(`The seed's two lines at limit ${SEED_LIMIT}: both retain nothing, so their Increments are shown in MiB; the list's live size, measured the same way, is ${mib(list)}, and the Peak column is % error against it (the generator line's Peak in MiB).`, '');
  lines.push('| line | heap (default) | rss | exact | Peak | gc: true Allocated |');
  lines.push('|---|---|---|---|---|---|');
  lines.push(`| generator | ${seedCol('heap', 'gen', 'inc')} | ${seedCol('rss', 'gen', 'inc')} | ${seedCol('exact', 'gen', 'inc')} | ${seedCol('peak', 'gen', 'peak')} | ${seedCol('gc', 'gen', 'alloc')} |`);
  lines.push(`| list | ${seedCol('heap', 'list', 'inc')} | ${seedCol('rss', 'list', 'inc')} | ${seedCol('exact', 'list', 'inc')} | ${seedCol('peak', 'list', 'peak', list)} | ${seedCol('gc', 'list', 'alloc')} |`);
  lines.push('');
  return lines.join('\n');
}

function seedTable(version, q, listAt) {
  const lines = [`Node ${version}, \`peak: true\`, ${SEED_RUNS} fresh processes per limit:`, ''];
  lines.push("| limit | list's Peak > generator's | list's Peak (median [min, max]) | list's live size | Peak / live size |");
  lines.push('|---|---|---|---|---|');
  for (const [limit, rows] of Object.entries(q)) {
    const wins = rows.filter((x) => x.list.peak > x.gen.peak).length;
    const peaks = rows.map((x) => x.list.peak);
    const live = listAt[limit];
    const ratios = peaks.map((p) => p / live);
    lines.push(`| ${Number(limit).toExponential(0)} | ${wins}/${rows.length} | ${mib(median(peaks))} [${mib(Math.min(...peaks))}, ${mib(Math.max(...peaks))}] | ${mib(live)} | ${(100 * Math.min(...ratios)).toFixed(0)}%–${(100 * Math.max(...ratios)).toFixed(0)}% |`);
  }
  lines.push('');
  return lines.join('\n');
}

/** The list's live size at each limit, measured independently (median of 3 processes). */
function listSizes(node) {
  const out = {};
  for (const limit of [1e4, 3e4, 1e5, 3e5, 1e6]) {
    const src = `
const v8 = require('v8');
const r = () => { const h = v8.getHeapStatistics(); return h.used_heap_size + h.external_memory; };
gc(); gc(); gc({ type: 'minor' }); const before = r();
const list = Array.from({ length: ${limit} }, (_, x) => x * x);
gc(); gc(); gc({ type: 'minor' }); console.log(r() - before, list.length);`;
    out[limit] = median([0, 1, 2].map(() => Number(execFileSync(node, ['--expose-gc', '-e', src], { encoding: 'utf8' }).split(' ')[0])));
  }
  return out;
}

// ---- memory_profiler on the Python equivalents ----------------------------------------------------

const PYTHON = `
import io, json, sys, tracemalloc
from memory_profiler import profile

PATH = ${JSON.stringify(path.join(OUT, 'data.bin'))}
TEXT = json.dumps([{'id': i, 'name': 'item %d' % i, 'tags': ['a', 'b'], 'score': i / 7} for i in range(52000)])
sink = io.StringIO()
keep = None

def numbers():
    xs = []
    for i in range(10**6): xs.append(i)  # measured
    return xs

def objects():
    os = []
    for i in range(10**5): os.append({'a': i})  # measured
    return os

def mapping():
    m = {}
    for i in range(10**5): m['key' + str(i)] = i  # measured
    return m

def buffer():
    buf = bytearray(10**7)  # measured
    return buf

def parse():
    data = json.loads(TEXT)  # measured
    return data

def float64():
    import array
    f = array.array('d', bytes(8 * 10**6))  # measured
    return f

def join():
    s = ''.join(['a' for _ in range(10**6)])  # measured
    return s

def readfile():
    with open(PATH, 'rb') as fh: file = fh.read()  # measured
    return file

def seed(limit):
    THE_LIMIT = limit
    PP = sum(x * x for x in range(THE_LIMIT))  # gen
    a = 1
    NN = sum([x * x for x in range(THE_LIMIT)])  # list
    b = 1
    return PP - NN + a - b

name = sys.argv[1]
fn = {'numbers': numbers, 'objects': objects, 'map': mapping, 'buffer': buffer, 'json': parse, 'float64': float64, 'join': join, 'readfile': readfile, 'seed': seed}[name]
args = (${SEED_LIMIT},) if name == 'seed' else ()
if sys.argv[2] == 'measure':
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    keep = fn(*args)
    print(json.dumps({'bytes': tracemalloc.get_traced_memory()[0] - before}))
else:
    keep = profile(fn, stream=sink, precision=4)(*args)
    out = {}
    for row in sink.getvalue().splitlines():
        for mark in ('measured', 'gen', 'list'):
            if row.rstrip().endswith('# ' + mark):
                out[mark] = float(row.split()[3]) * 2**20  # Line #, Mem usage, MiB, Increment
    print(json.dumps(out))
`;

function python() {
  const py = '/usr/bin/python3';
  const probe = spawnSync(py, ['-c', 'import memory_profiler'], { encoding: 'utf8' });
  if (probe.status !== 0) return null;
  const file = path.join(OUT, 'equivalents.py');
  fs.writeFileSync(file, PYTHON);
  const runPy = (args) => JSON.parse(execFileSync(py, [file, ...args], { encoding: 'utf8' }).trim().split('\n').pop());
  const out = {};
  for (const w of [...WORKLOADS.map((w) => w.name)]) {
    const truth = median(Array.from({ length: 3 }, () => runPy([w, 'measure']).bytes));
    const incs = Array.from({ length: RUNS }, () => runPy([w, 'profile']).measured);
    out[w] = { truth, incs };
  }
  out.seed = Array.from({ length: RUNS }, () => runPy(['seed', 'profile']));
  return out;
}

function pythonTable(p) {
  const lines = ['memory_profiler 0.61 (RSS), Python ' + execFileSync('/usr/bin/python3', ['-c', 'import sys; print(sys.version.split()[0])'], { encoding: 'utf8' }).trim() + `, ${RUNS} fresh processes, against tracemalloc's count of the bytes retained:`, ''];
  lines.push('| statement (Python equivalent) | retained (tracemalloc) | memory_profiler Increment |');
  lines.push('|---|---|---|');
  for (const w of WORKLOADS) lines.push(`| ${w.what} | ${mib(p[w.name].truth)} | ${fmtPct(p[w.name].incs.map((x) => pct(x, p[w.name].truth)))} |`);
  const gen = p.seed.map((x) => x.gen);
  const list = p.seed.map((x) => x.list);
  lines.push('');
  lines.push(`The seed's lines at limit ${SEED_LIMIT}, Increment in MiB, median [min, max]: generator ${mib(median(gen))} [${mib(Math.min(...gen))}, ${mib(Math.max(...gen))}], list ${mib(median(list))} [${mib(Math.min(...list))}, ${mib(Math.max(...list))}].`, '');
  return lines.join('\n');
}

function main() {
  build();
  const all = {};
  const out = ['## Figures', ''];
  for (const version of ONLY === 'python' ? [] : VERSIONS) {
    const node = NODES[version];
    const parts = [];
    all[version] = {};
    if (ONLY !== 'table') {
      const q = seedQuestion(node);
      const sizes = listSizes(node);
      process.stderr.write(seedTable(version, q, sizes) + '\n');
      Object.assign(all[version], { seedQuestion: q, listSizes: sizes });
      parts.push(seedTable(version, q, sizes));
    }
    if (ONLY !== 'seed') {
      const r = measureVersion(node);
      Object.assign(all[version], r);
      parts.unshift(table(execFileSync(node, ['-v'], { encoding: 'utf8' }).trim(), r));
    }
    const text = parts.join('\n');
    out.push(text);
    // Each version as soon as it is done: a full run takes a while on a shared machine.
    process.stderr.write(text + '\n');
  }
  const p = python();
  if (p) {
    all.python = p;
    out.push('### memory_profiler', '', pythonTable(p));
  }
  if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify(all, null, 1));
  console.log(out.join('\n'));
}

if (process.argv.includes("--build-only")) build(); else main();
