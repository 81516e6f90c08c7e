/**
 * async methods: the call ends when the body completes, not when it hands back its promise.
 */
import * as path from 'path';
import { execFileSync } from 'child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Report } from 'ts-memory-profiler';
import { compile, writeProject } from './helpers/compile';

const SOURCE = `import { profile, configure } from 'ts-memory-profiler';
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
class Loader {
  @profile
  async load(mib: number): Promise<number> {
    await tick();
    const data = new Array((mib * 2 ** 20) / 8).fill(mib);
    await tick();
    return data.length;
  }
  @profile
  async fail(): Promise<never> {
    await tick();
    throw new RangeError('nope');
  }
}
const keep: unknown[] = [];
configure({ format: 'json' });
(async () => {
  const loader = new Loader();
  const lengths = await Promise.all([loader.load(1), loader.load(2), loader.load(4)]);
  keep.push(lengths);
  let error = '';
  try { await loader.fail(); } catch (e) { error = String(e); }
  console.log('RESULT ' + JSON.stringify([lengths, error]));
})();
`;

function runAsync(legacy: boolean): { reports: Report[]; result: unknown } {
  const dir = writeProject({ 'app.js': compile(SOURCE, { legacy }).js });
  const lines = execFileSync(process.execPath, [path.join(dir, 'app.js')], { encoding: 'utf8' })
    .trim()
    .split('\n');
  return {
    reports: lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Report),
    result: JSON.parse(lines.find((l) => l.startsWith('RESULT '))!.slice(7)),
  };
}

for (const legacy of [false, true]) {
  const mode = legacy ? 'legacy' : 'TC39';
  test(`${mode}: three calls in flight at once give three reports, each with its own allocation`, () => {
    const { reports, result } = runAsync(legacy);
    assert.equal(result, [[131072, 262144, 524288], 'RangeError: nope']);
    const loads = reports.filter((r) => r.name === 'Loader.load');
    assert.is(loads.length, 3);
    // Each call's line 7 made its own array: 1, 2 and 4 MiB (8 bytes an element), in whatever order
    // the calls finished.
    const made = loads.map((r) => r.lines.find((l) => l.line === 7)!.incrementBytes! / 2 ** 20).sort((a, b) => a - b);
    made.forEach((mib, i) => assert.ok(Math.abs(mib - 2 ** i) < 0.15 * 2 ** i, `call ${i}: ${mib} MiB`));
    // Every line after an await ran in its own call's frame: all of them counted once.
    for (const report of loads) {
      assert.equal(
        report.lines.filter((l) => l.occurrences > 0).map((l) => [l.line, l.occurrences]),
        [
          [4, 1],
          [6, 1],
          [7, 1],
          [8, 1],
          [9, 1],
        ],
      );
    }
  });

  test(`${mode}: a rejected call writes its report too, and the rejection is unchanged`, () => {
    const { reports } = runAsync(legacy);
    const failed = reports.filter((r) => r.name === 'Loader.fail');
    assert.is(failed.length, 1);
    assert.equal(
      failed[0].lines.filter((l) => l.occurrences > 0).map((l) => [l.line, l.occurrences]),
      [
        [11, 1],
        [13, 1],
        [14, 1],
      ],
    );
  });
}

test.run();
