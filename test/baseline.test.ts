/**
 * Per-line budgets against a committed baseline (issue 11, item 4): `limitMemory(fn, { baseline })`
 * and `ts-mprof check`. The same method run 20 times in fresh processes never fails against its own
 * baseline; a 1 MiB allocation added to one line fails and names that line.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, writeProject } from './helpers/compile';

const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');

const APP = `import { profile } from 'ts-memory-profiler';
import { limitMemory } from 'ts-memory-profiler/testing';

const keep: unknown[] = [];
limitMemory(profile(function build() {
  const rows = new Array(50000).fill(0);
  const names = rows.map((_, i) => 'n' + i);
  keep.push(rows, names);
  return rows.length;
}), { baseline: 'budget.json' });
console.log('within the baseline');
`;
/** Line 8 of APP keeps 1 MiB more. */
const GROWN = APP.replace('keep.push(rows, names);', 'keep.push(rows, names, new Float64Array(131072));');

function run(dir: string, file: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, 'run', file], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
}

test('limitMemory with a baseline: 20 fresh processes never fail against their own baseline; 1 MiB more on a line fails and names it', () => {
  const dir = writeProject({ 'tsconfig.json': '{"compilerOptions":{"target":"ES2022"}}', 'app.ts': APP, 'grown.ts': GROWN });
  let r = run(dir, 'app.ts', { TS_MEMORY_PROFILER_UPDATE_BASELINE: '1' });
  assert.is(r.status, 0, r.stderr);
  const baseline = JSON.parse(fs.readFileSync(path.join(dir, 'budget.json'), 'utf8'));
  assert.equal(Object.keys(baseline.methods), ['app.ts|build']);
  assert.equal(Object.keys(baseline.methods['app.ts|build']), ['6', '7', '8', '9']);
  // 50,000 numbers (a packed SMI array: 4 or 8 bytes each) on line 6.
  assert.ok(baseline.methods['app.ts|build']['6'].incrementBytes >= 200000, JSON.stringify(baseline));
  for (let i = 0; i < 20; i++) {
    r = run(dir, 'app.ts');
    assert.is(r.status, 0, `run ${i + 1}: ${r.stderr}`);
    assert.is(r.stdout, 'within the baseline\n');
  }
  // grown.ts is the same method in a file of another name: give it app.ts's baseline under its own name.
  fs.writeFileSync(path.join(dir, 'budget.json'), JSON.stringify({ version: 1, methods: { 'grown.ts|build': baseline.methods['app.ts|build'] } }));
  r = run(dir, 'grown.ts');
  assert.is.not(r.status, 0);
  assert.match(r.stderr, /AssertionError/);
  assert.match(r.stderr, /limitMemory: 1 line grew against the baseline budget\.json:\ngrown\.ts:8 \(build, `keep\.push\(rows, names, new Float64Array\(131072\)\);`\) grew by 1\.0 MiB/);
  // The diff, as a table and as Markdown.
  assert.match(r.stderr, /grown\.ts:8 +build +[\d,]+ +[\d,]+ +\+1,04\d,\d{3} +FAIL +keep\.push/);
  assert.match(r.stderr, /\| ❌ \| `grown\.ts:8` \| build \|/);
  assert.match(r.stderr, /\| ✅ \| `grown\.ts:6` \| build \|/);
});

const METHOD = `import { profile } from 'ts-memory-profiler';

class Index {
  @profile
  build(n: number): number {
    const keys = new Array(n).fill(0).map((_, i) => i * 2);
    const set = new Set(keys);
    return set.size;
  }
}
console.log(new Index().build(20000));
`;

test('ts-mprof check: --update writes the baseline, a rerun passes with its table, a grown line exits 1 with the table and Markdown', () => {
  const dir = writeProject({ 'tsconfig.json': '{"compilerOptions":{"target":"ES2022"}}', 'app.ts': METHOD });
  const record = (out: string) => {
    const r = spawnSync(process.execPath, [CLI, 'run', '--backend', 'exact', '--format', 'json', '-o', out, 'app.ts'], { cwd: dir, encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
  };
  const check = (...args: string[]) => spawnSync(process.execPath, [CLI, 'check', ...args], { cwd: dir, encoding: 'utf8' });
  record('first.jsonl');
  let r = check('--baseline', 'budget.json', '--update', 'first.jsonl');
  assert.equal([r.status, r.stdout], [0, 'budget.json: the lines of 1 method(s) written\n']);
  record('second.jsonl');
  r = check('--baseline', 'budget.json', '--markdown', 'diff.md', '--', 'second.jsonl');
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^line +method +baseline B +now B +growth B +source\napp\.ts:6 +Index\.build +[\d,]+ +[\d,]+ +[+-]?[\d,]+ +ok +const keys/);
  // The method now keeps 1 MiB more on line 7.
  fs.writeFileSync(path.join(dir, 'app.ts'), METHOD.replace('const set = new Set(keys);', 'const set = new Set(keys); (globalThis as any).k = new Float64Array(131072);'));
  record('third.jsonl');
  r = check('--baseline', 'budget.json', '--markdown', 'diff.md', 'third.jsonl');
  assert.is(r.status, 1);
  assert.match(r.stdout, /\napp\.ts:7 +Index\.build +[\d,]+ +[\d,]+ +\+1,04\d,\d{3} +FAIL +const set/);
  assert.match(r.stderr, /^ts-mprof check: lines grew against budget\.json:\napp\.ts:7 \(Index\.build, /);
  const md = fs.readFileSync(path.join(dir, 'diff.md'), 'utf8');
  assert.match(md, /^\| \| line \| method \| baseline \(bytes\) \| now \(bytes\) \| growth \| source \|\n\|---\|/);
  assert.match(md, /\| ❌ \| `app\.ts:7` \| Index\.build \|/);
  // A bigger tolerance lets it through.
  assert.is(check('--baseline', 'budget.json', '--bytes', '2 MiB', 'third.jsonl').status, 0);
  r = check('third.jsonl');
  assert.is(r.status, 2);
  assert.match(r.stderr, /^ts-mprof check: check needs --baseline FILE\n\nusage: ts-mprof check/);
});

test.run();
