/**
 * speedscope export (issue 11, item 5): `ts-mprof run --speedscope out.json` is validated against
 * the file-format JSON schema shipped in the `speedscope` package (with ajv), and its frames and
 * weights are checked against the JSON reports of the same run.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Report } from 'ts-memory-profiler';
import { ROOT, writeProject } from './helpers/compile';

const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const SCHEMA = JSON.parse(fs.readFileSync(require.resolve('speedscope/dist/release/file-format-schema.json'), 'utf8'));
const Ajv = require('ajv').default as typeof import('ajv').default;

const APP = `import { configure, profile } from 'ts-memory-profiler';
configure({ gc: GC });

class Store {
  rows: number[][] = [];
  @profile
  load(n: number): number {
    const row = new Array(n).fill(1);
    this.rows.push(row);
    const copy = row.slice();
    this.rows.pop();
    return copy.length;
  }
}

const s = new Store();
for (let i = 1; i <= 3; i++) s.load(100000 * i);
`;

function run(gc: boolean) {
  const dir = writeProject({ 'tsconfig.json': '{"compilerOptions":{"target":"ES2022"}}', 'app.ts': APP.replace('GC', String(gc)) });
  const r = spawnSync(process.execPath, [CLI, 'run', '--format', 'json', '-o', 'reports.jsonl', '--speedscope', 'out.json', 'app.ts'], {
    cwd: dir,
    encoding: 'utf8',
  });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, 'ts-mprof run: 3 reports in out.json\n');
  const reports: Report[] = fs
    .readFileSync(path.join(dir, 'reports.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return { file: JSON.parse(fs.readFileSync(path.join(dir, 'out.json'), 'utf8')), reports };
}

/** Per line: the summed figure of the reports, when above 0 (the @profile row left out). */
function expectedWeights(reports: Report[], figure: 'incrementBytes' | 'allocatedBytes'): Map<number, number> {
  const sums = new Map<number, number>();
  for (const report of reports) {
    const entry = report.lines.findIndex((l) => l.memBytes !== null);
    report.lines.forEach((line, i) => {
      if (i !== entry && line[figure] != null) sums.set(line.line, (sums.get(line.line) ?? 0) + line[figure]!);
    });
  }
  return new Map([...sums].filter(([, bytes]) => bytes > 0));
}

for (const gc of [false, true]) {
  test(`--speedscope${gc ? ' with gc: true' : ''}: valid by speedscope's schema, a frame per method and per line, byte weights from the reports`, () => {
    const { file, reports } = run(gc);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(SCHEMA);
    assert.ok(validate({ ...file }), JSON.stringify(validate.errors));
    // The schema does check: a profile without its weights is refused.
    assert.not.ok(validate({ ...file, profiles: [{ ...file.profiles[0], weights: undefined }] }));
    assert.is(file.$schema, 'https://www.speedscope.app/file-format-schema.json');
    assert.equal(
      file.profiles.map((p: { name: string; unit: string; type: string }) => [p.type, p.unit, p.name]),
      [
        ['sampled', 'bytes', 'bytes kept per line (Increment)'],
        ...(gc ? [['sampled', 'bytes', 'bytes allocated per line (Allocated, gc: true)']] : []),
      ],
    );
    const frames: Array<{ name: string; file: string; line: number }> = file.shared.frames;
    assert.equal(frames[0], { name: 'Store.load', file: 'app.ts', line: 6 });
    for (const [k, figure] of (gc ? ['incrementBytes', 'allocatedBytes'] : ['incrementBytes']).entries()) {
      const profile = file.profiles[k];
      const got = new Map<number, number>();
      profile.samples.forEach((stack: number[], i: number) => {
        assert.is(stack.length, 2);
        assert.is(stack[0], 0, 'under the method frame');
        const frame = frames[stack[1]];
        assert.match(frame.name, new RegExp(`^Store\\.load:${frame.line}  \\S`));
        got.set(frame.line, profile.weights[i]);
      });
      assert.equal(got, expectedWeights(reports, figure as 'incrementBytes' | 'allocatedBytes'));
      assert.is(
        profile.endValue,
        [...got.values()].reduce((a, b) => a + b, 0),
      );
    }
    // The array line kept 600,000 numbers over the three calls.
    assert.ok(frames.some((f) => f.line === 8 && f.name === 'Store.load:8  const row = new Array(n).fill(1);'));
  });
}

test.run();
