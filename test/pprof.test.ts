/**
 * pprof export (issue 11, item 2): `ts-mprof run --pprof`, `configure({ pprof })` and `toPprof`.
 * The files are decoded with pprof-format (a real decoder) and checked against the JSON reports of
 * the same run; `go tool pprof -list` reads them when Go is installed (Debian's golang-go).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import type { Report } from 'ts-memory-profiler';
import { ROOT, writeProject } from './helpers/compile';

const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const { toPprof } = require(path.join(ROOT, 'dist/runtime/index')) as typeof import('../dist/runtime/index');
const { Profile } = require('pprof-format') as typeof import('pprof-format');

const APP = `import { profile, configure } from 'ts-memory-profiler';

class Store {
  rows: number[][] = [];
  @profile
  load(n: number): number {
    const row = new Array(n).fill(1);
    this.rows.push(row);
    for (let i = 0; i < 3; i++) this.rows.push([i]);
    return this.rows.length;
  }

  @profile
  drop(): void {
    this.rows = [];
  }
}

const s = new Store();
s.load(100000);
s.load(200000);
s.drop();
`;

interface Decoded {
  types: string[];
  /** `Function name|file|line` -> values. */
  values: Map<string, number[]>;
  functions: Array<{ name: string; file: string; startLine: number }>;
}

function decode(bytes: Uint8Array): Decoded {
  const profile = Profile.decode(gunzipSync(bytes));
  const str = (i: number | bigint) => profile.stringTable.strings[Number(i)];
  const functions = new Map(profile.function.map((f) => [Number(f.id), f]));
  const locations = new Map(profile.location.map((l) => [Number(l.id), l]));
  const values = new Map<string, number[]>();
  for (const sample of profile.sample) {
    assert.is(sample.locationId.length, 1, 'a line is its own stack');
    const location = locations.get(Number(sample.locationId[0]))!;
    assert.is(location.line.length, 1);
    const fn = functions.get(Number(location.line[0].functionId))!;
    values.set(`${str(fn.name)}|${str(fn.filename)}|${Number(location.line[0].line)}`, sample.value.map(Number));
  }
  return {
    types: profile.sampleType.map((t) => `${str(t.type)}/${str(t.unit)}`),
    values,
    functions: profile.function.map((f) => ({ name: str(f.name), file: str(f.filename), startLine: Number(f.startLine) })),
  };
}

/** What the profile must hold, worked out from the JSON reports by the README's rules. */
function expected(reports: Report[], extra: Array<'allocated' | 'peak'> = []): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const report of reports) {
    const entry = report.lines.findIndex((l) => l.memBytes !== null);
    report.lines.forEach((line, i) => {
      if (line.occurrences === 0 && line.incrementBytes === null) return;
      const key = `${report.name}|${report.file}|${line.line}`;
      const sum = out.get(key) ?? [0, 0, ...extra.map(() => 0)];
      sum[1] += line.occurrences;
      if (i !== entry) {
        sum[0] += line.incrementBytes ?? 0;
        if (extra.includes('allocated')) sum[2] += line.allocatedBytes ?? 0;
      }
      out.set(key, sum);
    });
  }
  return out;
}

test('ts-mprof run --pprof: one Function per method, one Location per line, values from the JSON reports', () => {
  const dir = writeProject({ 'tsconfig.json': '{"compilerOptions":{"target":"ES2022"}}', 'src/app.ts': APP });
  const r = spawnSync(process.execPath, [CLI, 'run', '--format', 'json', '-o', 'reports.jsonl', '--pprof', 'out.pb.gz', 'src/app.ts'], {
    cwd: dir,
    encoding: 'utf8',
  });
  assert.is(r.status, 0, r.stderr);
  const reports: Report[] = fs
    .readFileSync(path.join(dir, 'reports.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.is(reports.length, 3);
  const decoded = decode(fs.readFileSync(path.join(dir, 'out.pb.gz')));
  assert.equal(decoded.types, ['increment/bytes', 'occurrences/count']);
  const file = path.join('src', 'app.ts');
  assert.equal(decoded.functions, [
    { name: 'Store.load', file, startLine: 5 },
    { name: 'Store.drop', file, startLine: 13 },
  ]);
  assert.equal(decoded.values, expected(reports));
  // Spot checks against the source: the loop line ran at least 4 times a call, the entry row counts the calls.
  assert.ok(decoded.values.get(`Store.load|${file}|9`)![1] >= 8);
  assert.equal(decoded.values.get(`Store.load|${file}|5`), [0, 2]);
  // The array line kept at least the 300,000 numbers of both calls (8 bytes each, as SMIs packed: 4 or 8).
  assert.ok(decoded.values.get(`Store.load|${file}|7`)![0] >= 300000 * 4, String(decoded.values.get(`Store.load|${file}|7`)));
});

test("configure({ pprof, gc: true }): an allocated/bytes sample type, summed from the reports' Allocated", () => {
  const dir = writeProject({
    'tsconfig.json': '{"compilerOptions":{"target":"ES2022"}}',
    'app.ts': APP.replace(
      'const s = new Store();',
      "const reports: unknown[] = [];\nconfigure({ pprof: 'gc.pb.gz', gc: true, onReport: (r) => reports.push(r), stream: { write: () => true } });\nprocess.on('exit', () => require('fs').writeFileSync('reports.json', JSON.stringify(reports)));\nconst s = new Store();",
    ),
  });
  const r = spawnSync(process.execPath, [CLI, 'run', 'app.ts'], { cwd: dir, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const reports: Report[] = JSON.parse(fs.readFileSync(path.join(dir, 'reports.json'), 'utf8'));
  assert.ok(reports.every((report) => report.lines.some((l) => typeof l.allocatedBytes === 'number')));
  const decoded = decode(fs.readFileSync(path.join(dir, 'gc.pb.gz')));
  assert.equal(decoded.types, ['increment/bytes', 'occurrences/count', 'allocated/bytes']);
  assert.equal(decoded.values, expected(reports, ['allocated']));
});

test('toPprof(reports): the same encoding as an API; Peak summed as the largest; bad input is a TypeError', () => {
  const report = (peak: number): Report =>
    ({
      file: 'a.ts',
      name: 'A.f',
      precision: 1,
      backend: 'exact',
      lines: [
        { line: 1, source: '@profile', occurrences: 1, memBytes: 100, incrementBytes: 100, peakBytes: 5 },
        { line: 2, source: 'f() {', occurrences: 0, memBytes: null, incrementBytes: null, peakBytes: null },
        { line: 3, source: 'x = []', occurrences: 1, memBytes: 150, incrementBytes: 50, peakBytes: peak },
      ],
    }) as unknown as Report;
  const decoded = decode(toPprof([report(70), report(40)]));
  assert.equal(decoded.types, ['increment/bytes', 'occurrences/count', 'peak/bytes']);
  assert.equal(
    [...decoded.values],
    [
      ['A.f|a.ts|1', [0, 2, 0]],
      ['A.f|a.ts|3', [100, 2, 70]],
    ],
  );
  assert.throws(
    () => toPprof(5 as never),
    (e: Error) => e instanceof TypeError && /toPprof\(reports\) takes an array/.test(e.message),
  );
  assert.throws(
    () => toPprof([{}] as never),
    (e: Error) => e instanceof TypeError && /each report must be a report object/.test(e.message),
  );
});

const GO = spawnSync('go', ['version'], { encoding: 'utf8' });

test("go tool pprof -list Class.method shows the source annotated with each line's bytes (needs Debian's golang-go)", () => {
  if (GO.status !== 0) {
    console.log('  (go not installed: apt-get install golang-go; skipped)');
    return;
  }
  const dir = writeProject({ 'tsconfig.json': '{"compilerOptions":{"target":"ES2022"}}', 'src/app.ts': APP });
  let r = spawnSync(process.execPath, [CLI, 'run', '--backend', 'exact', '--pprof', 'out.pb.gz', 'src/app.ts'], {
    cwd: dir,
    encoding: 'utf8',
  });
  assert.is(r.status, 0, r.stderr);
  r = spawnSync('go', ['tool', 'pprof', '-list', 'Store.load', 'out.pb.gz'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, HOME: dir, GOCACHE: path.join(dir, '.gocache') },
  });
  assert.is(r.status, 0, r.stderr);
  const out = r.stdout.replace(/\n+$/, '').split('\n');
  assert.is(out[1], `ROUTINE ======================== Store.load in ${path.join('src', 'app.ts')}`);
  // The source lines, annotated: the array line with megabytes, the @profile line with nothing.
  assert.match(r.stdout, /\n +\. +\. +5: {2}@profile\n/);
  assert.match(r.stdout, /\n +[\d.]+[kM]B +[\d.]+[kM]B +7: {4}const row = new Array\(n\)\.fill\(1\);\n/);
  r = spawnSync('go', ['tool', 'pprof', '-top', '-sample_index=occurrences', 'out.pb.gz'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, HOME: dir, GOCACHE: path.join(dir, '.gocache') },
  });
  assert.match(r.stdout, /\n +\d+ +[\d.]+% +[\d.]+% +\d+ +[\d.]+% +Store\.load\n +2 +[\d.]+% +100% +2 +[\d.]+% +Store\.drop\n/);
});

test.run();
