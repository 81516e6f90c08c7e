/**
 * Deep recursion: a profiled method's body owns its calls (no wrapper frame a level), so it reaches at
 * least half the depth of the same method undecorated; a stack overflow is the same RangeError, and
 * the next call is profiled as usual.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Report } from 'ts-memory-profiler';
import { compile, occurrences, writeProject } from './helpers/compile';

const SOURCE = `import { profile, configure, type Report } from 'ts-memory-profiler';
class Plain {
  depth(n: number): number {
    return n === 0 ? 0 : 1 + this.depth(n - 1);
  }
}
class Profiled {
  @profile
  depth(n: number): number {
    return n === 0 ? 0 : 1 + this.depth(n - 1);
  }
}
/** The deepest n that returns, by bisection (each try overflows or not). */
function deepest(f: (n: number) => number): number {
  let lo = 1;
  let hi = 100000;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try { f(mid); lo = mid; } catch (e) { if (!(e instanceof RangeError)) throw e; hi = mid - 1; }
  }
  return lo;
}
const overflow = (f: () => unknown) => { try { f(); return 'returned'; } catch (e) { return [(e as Error).constructor.name, (e as Error).message]; } };
const sink = { write() { return true; } };
configure({ stream: sink });
const plain = new Plain();
const profiled = new Profiled();
const depths = [deepest((n) => plain.depth(n)), deepest((n) => profiled.depth(n))];
const errors = [overflow(() => plain.depth(1e6)), overflow(() => profiled.depth(1e6))];
const reports: Report[] = [];
configure({ stream: sink, onReport: (r) => reports.push(r) });
const after = profiled.depth(3);
console.log(JSON.stringify({ depths, errors, after, reports }));
`;

function runRecursion(legacy: boolean): { depths: [number, number]; errors: unknown[]; after: number; reports: Report[]; stderr: string } {
  const compiled = compile(SOURCE, { legacy });
  assert.equal(compiled.diagnostics, []);
  const result = spawnSync(process.execPath, [path.join(writeProject({ 'app.js': compiled.js }), 'app.js')], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  assert.is(result.status, 0, result.stderr);
  return { ...JSON.parse(result.stdout), stderr: result.stderr };
}

for (const legacy of [false, true]) {
  const mode = legacy ? 'legacy' : 'TC39';
  const outcome = runRecursion(legacy);

  test(`${mode}: a profiled recursive method reaches at least half the depth of the undecorated one`, () => {
    const [plain, profiled] = outcome.depths;
    assert.ok(profiled >= plain / 2, `profiled ${profiled} levels, undecorated ${plain}`);
  });

  test(`${mode}: a stack overflow is the same RangeError, and the next call is profiled as usual`, () => {
    assert.equal(outcome.errors[1], outcome.errors[0]);
    assert.equal(outcome.errors[0], ['RangeError', 'Maximum call stack size exceeded']);
    assert.is(outcome.after, 3);
    // depth(3): four calls, innermost first, each with its own entry and one return line.
    assert.is(outcome.reports.length, 4);
    for (const report of outcome.reports)
      assert.equal(occurrences(report), [
        [8, 1],
        [10, 1],
      ]);
    // What the overflow cost the profiler (reports it could not write) is said once at most.
    assert.ok(outcome.stderr.split('\n').filter(Boolean).length <= 1, outcome.stderr);
  });
}

test.run();
