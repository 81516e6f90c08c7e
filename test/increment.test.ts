/**
 * Issue 13: the default Increment (backend 'heap', no options) against what a statement retains,
 * measured independently, for the eight everyday statements; and no large negative line on a
 * realistic `JSON.parse` method. The profiler's collections (runtime/settle.ts) are what makes these
 * hold: the entry's, and the one at the probe after a line that grew the heap.
 *
 * Each fixture runs in small fresh processes (the first call, as a user meets it) and, in one
 * process, in warm calls. What each statement retains is measured in the same process without the
 * profiler: collections before and after it, the statement in a function of its own (so nothing of
 * its frame keeps a temporary, as the join's 8 MB array would be).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Report } from 'ts-memory-profiler';
import { compile, runInChild, writeProject, type Compiled } from './helpers/compile';

/** The eight statements: what is made before, the measured line, what keeps its result. */
const WORKLOADS = [
  { name: 'numbers', setup: 'const xs: number[] = [];', line: 'for (let i = 0; i < 1e6; i++) xs.push(i);', keep: 'xs' },
  { name: 'objects', setup: 'const os: { a: number }[] = [];', line: 'for (let i = 0; i < 1e5; i++) os.push({ a: i });', keep: 'os' },
  { name: 'map', setup: 'const m = new Map<string, number>();', line: "for (let i = 0; i < 1e5; i++) m.set('key' + i, i);", keep: 'm' },
  { name: 'buffer', setup: '', line: 'const buf = Buffer.alloc(10e6);', keep: 'buf' },
  { name: 'json', setup: '', line: 'const data = JSON.parse(TEXT);', keep: 'data' },
  { name: 'float64', setup: '', line: 'const f = new Float64Array(1e6);', keep: 'f' },
  { name: 'join', setup: '', line: "const s = Array.from({ length: 1e6 }, () => 'a').join('');", keep: 's' },
  { name: 'readfile', setup: '', line: 'const file = fs.readFileSync(DATA);', keep: 'file' },
];

const FIXTURE = (data: string) => `import { profile, configure, type Report } from 'ts-memory-profiler';
import * as fs from 'fs';
import { getHeapCodeStatistics, getHeapStatistics, setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

const DATA = ${JSON.stringify(data)};
// About 5 MB of JSON, made before any call.
const TEXT = JSON.stringify(Array.from({ length: 52000 }, (_, i) => ({ id: i, name: 'item ' + i, tags: ['a', 'b'], score: i / 7 })));
let keep: unknown = null;

class Workloads {
${WORKLOADS.map(
  (w) => `  @profile
  ${w.name}(): unknown {
    ${w.setup}
    ${w.line} // measured
    return ${w.keep};
  }
`,
).join('\n')}}

const PLAIN: Record<string, () => unknown> = {
${WORKLOADS.map(
  (w) => `  ${w.name}: () => {
    ${w.setup}
    ${w.line}
    return ${w.keep};
  },`,
).join('\n')}
};

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (o?: { type: 'minor' }) => void;
setFlagsFromString('--no-expose-gc');
// Less V8's code and bytecode, as 'exact' counts (readings.ts, liveBytes): the collections here also
// age bytecode, and V8 dropped some of the profiler's between the two readings, which put the join's
// 1 MB string at 897,016-920,160 B retained in CI. getHeapCodeStatistics() walks the heap at a
// safepoint, which also finishes V8's sweeping and takes back its helper threads' allocation buffers.
function live(): number {
  gc();
  gc();
  gc({ type: 'minor' });
  const code = getHeapCodeStatistics();
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory - code.code_and_metadata_size - code.bytecode_and_metadata_size;
}

export function main(): unknown {
  const name = process.env.WORKLOAD!;
  const calls = Number(process.env.CALLS);
  const incs: number[] = [];
  const collections: number[] = [];
  configure({ format: 'json', stream: { write: () => true }, onReport: (r: Report) => {
    for (const l of r.lines) if (l.source.endsWith('// measured')) incs.push(l.incrementBytes!);
    collections.push(r.lines.reduce((n, l) => n + (l.collections ?? 0), 0));
  } });
  const w = new Workloads() as unknown as Record<string, () => unknown>;
  for (let i = 0; i < calls; i++) {
    keep = null;
    keep = w[name]();
  }
  keep = null;
  // What the statement retains, without the profiler, in this process: the median of three
  // measurements. One alone was off by up to 200 KB now and then (the join's 1 MB string read
  // 796,736-1,014,600 B in 10 processes), by what V8 itself made or dropped meanwhile.
  const measured: number[] = [];
  for (let i = 0; i < 3; i++) {
    keep = null;
    const before = live();
    keep = PLAIN[name]();
    measured.push(live() - before);
  }
  const retained = measured.sort((a, b) => a - b)[1];
  return { incs, collections, retained };
}
`;

interface Outcome {
  incs: number[];
  collections: number[];
  retained: number;
}

let compiled: Compiled | undefined;
let dir = '';

function runFixture(name: string, calls: number): Outcome {
  if (compiled === undefined) {
    compiled = compile(FIXTURE('DATA_PLACEHOLDER'));
    dir = writeProject({ 'start.js': "process.stdout.write('RESULT ' + JSON.stringify(require('./fixture.js').main()) + '\\n');\n" });
    fs.writeFileSync(path.join(dir, 'data.bin'), Buffer.alloc(5e6, 7));
    fs.writeFileSync(path.join(dir, 'fixture.js'), compiled.js.replace('DATA_PLACEHOLDER', path.join(dir, 'data.bin')));
  }
  const result = spawnSync(process.execPath, [path.join(dir, 'start.js')], {
    encoding: 'utf8',
    env: { ...process.env, WORKLOAD: name, CALLS: String(calls) },
  });
  assert.is(result.status, 0, result.stderr);
  const line = result.stdout.split('\n').find((l) => l.startsWith('RESULT '))!;
  return JSON.parse(line.slice(7)) as Outcome;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (x: number, truth: number) => `${((100 * (x - truth)) / truth).toFixed(0)}%`;
/** Within 25% of what is retained, and not negative. */
const holds = (inc: number, truth: number) => inc >= 0 && Math.abs(inc - truth) <= 0.25 * truth;

for (const w of WORKLOADS) {
  test(`default Increment of '${w.line}' within 25% of what it retains: 9 of 10 fresh processes, 9 of 10 warm calls`, () => {
    const fresh = Array.from({ length: 10 }, () => runFixture(w.name, 1));
    const truth = median(fresh.map((o) => o.retained));
    // Each statement retains at least 1 MB: what the bound is about.
    assert.ok(truth >= 0.95e6, `${w.name} retains ${truth}`);
    const firsts = fresh.map((o) => o.incs[0]);
    const good = firsts.filter((x) => holds(x, truth)).length;
    assert.ok(good >= 9, `fresh: ${good}/10 within 25% of ${truth} B: ${firsts.map((x) => pct(x, truth)).join(' ')}`);
    assert.ok(Math.abs(median(firsts) - truth) <= 0.25 * truth, `fresh median ${pct(median(firsts), truth)}`);
    // Every first call collected at its entry, and says so.
    for (const o of fresh) assert.ok(o.collections[0] >= 1, `first call's collections: ${o.collections[0]}`);
    const warm = runFixture(w.name, 11);
    const calls = warm.incs.slice(1);
    // The same statement retains the same bytes in every process: the truth for the warm calls is the
    // median over all eleven. One process's own (a median of three) read the join's 1 MB string at
    // 1,129,504 B once (its warm calls read ~1,005 KB; ten processes measured 996,048-1,043,960 B).
    const warmTruth = median([...fresh.map((o) => o.retained), warm.retained]);
    const warmGood = calls.filter((x) => holds(x, warmTruth)).length;
    assert.ok(warmGood >= 9, `warm: ${warmGood}/10 within 25% of ${warmTruth} B: ${calls.map((x) => pct(x, warmTruth)).join(' ')}`);
  });
}

/**
 * A realistic method: the text is read, parsed, summed over. Earlier work left garbage (the array the
 * text was made from, the previous call's data), which a collection V8 starts inside the parse used
 * to free: that line read -9.5 MiB where it keeps 11.4 MB.
 */
const REALISTIC = `import { profile } from 'ts-memory-profiler';
class Orders {
  @profile
  load(text: string): number {
    const data = JSON.parse(text) as { id: number; total: number; lines: string[] }[];
    let sum = 0;
    for (const order of data) sum += order.total;
    const big = data.filter((o) => o.total > 500);
    return sum + big.length;
  }
}
let keep: unknown;
export function main() {
  const made = Array.from({ length: 60000 }, (_, i) => ({ id: i, total: (i * 37) % 1000, lines: ['item ' + i, 'sku-' + (i % 97)] }));
  const text = JSON.stringify(made);
  const orders = new Orders();
  for (let i = 0; i < 5; i++) keep = orders.load(text);
  return keep;
}
`;

test('a realistic JSON.parse method: no line reads -1 MB or less, first and warm calls alike', () => {
  const compiledRealistic = compile(REALISTIC);
  const dir = writeProject({
    'fixture.js': compiledRealistic.js,
    'start.js': "require('ts-memory-profiler').configure({ format: 'json' });\nrequire('./fixture.js').main();\n",
  });
  const negatives: string[] = [];
  let calls = 0;
  let parses = 0;
  for (let p = 0; p < 4; p++) {
    const result = spawnSync(process.execPath, [path.join(dir, 'start.js')], { encoding: 'utf8' });
    assert.is(result.status, 0, result.stderr);
    const reports = result.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Report);
    assert.is(reports.length, 5);
    for (const [i, report] of reports.entries()) {
      calls++;
      for (const line of report.lines) {
        if (line.incrementBytes !== null && line.incrementBytes <= -1e6)
          negatives.push(`process ${p} call ${i + 1} line ${line.line}: ${line.incrementBytes}`);
      }
      // The parse line keeps the data: several MB, not a drop.
      const parse = report.lines.find((l) => l.source.includes('JSON.parse'))!;
      if (parse.incrementBytes! > 4e6) parses++;
    }
  }
  // 20 calls: at most one (5%) may be caught by a collection V8 ran on its own.
  assert.ok(negatives.length <= 1, negatives.join('\n'));
  assert.ok(parses >= 18, `the parse line kept > 4 MB in ${parses}/${calls} calls`);
});

/**
 * An async method's lines after an await: what ran while it waited (here its caller, making and
 * dropping 0.45 MB) is garbage the profiler must not free into them with a collection of its own. A
 * generator's lines after a yield likewise (its consumer ran). Both lines keep 1.6 MB, and no line
 * reads below -256 KB.
 */
const AWAY = `import { profile } from 'ts-memory-profiler';
class Jobs {
  @profile
  async fetchAll(): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const rows = new Array(2e5).fill(1);
    return rows.length;
  }
  @profile
  *batches(): Generator<number> {
    yield 1;
    const rows = new Array(2e5).fill(1);
    yield rows.length;
  }
}
let junk: unknown;
// About 0.45 MB, dropped: less than the growth at which a probe asks for a collection (1 MiB), so
// none runs before the 1.6 MB line, and one after it would free this into it.
const drop = () => {
  junk = Array.from({ length: 6e3 }, (_, i) => ({ i, s: 'row ' + i }));
  junk = null;
};
export function main() {
  const jobs = new Jobs();
  const gen = jobs.batches();
  gen.next();
  drop();
  gen.next();
  gen.next();
  const done = jobs.fetchAll();
  drop();
  return done;
}
`;

test('lines after an await or a yield: no collection of the profiler frees what the caller dropped meanwhile into them', () => {
  const bad: string[] = [];
  for (let p = 0; p < 3; p++) {
    const { reports } = runInChild(compile(AWAY));
    assert.is(reports.length, 2);
    for (const report of reports) {
      const line = report.lines.find((l) => l.source.includes('new Array(2e5)'))!;
      // 2e5 slots of 8 bytes: 1.6 MB, plus what a scavenge in the line may add or free (young objects).
      if (Math.abs(line.incrementBytes! - 1_600_016) > 0.25 * 1_600_016)
        bad.push(`${report.name}: ${line.incrementBytes} B, ${line.collections ?? 0} collections`);
      for (const l of report.lines)
        if (l.incrementBytes !== null && l.incrementBytes < -256 * 1024) bad.push(`${report.name} line ${l.line}: ${l.incrementBytes} B`);
    }
  }
  assert.equal(bad, []);
});

test.run();
