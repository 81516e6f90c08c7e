/**
 * `gc: true`: the Allocated and GC freed columns, placed by when each collection ran.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, maskFigures, runInChild, writeProject } from './helpers/compile';
import { execFileSync } from 'child_process';
import * as path from 'path';

const within = (actual: number, expected: number, tolerance: number) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * expected, `${actual} is not within ${tolerance * 100}% of ${expected}`);

// The temporary is made and dropped in a function, so no interpreter register keeps it alive when
// the collection inside line 13 runs.
const TEMPORARY = (decorator: string) => `import { profile } from 'ts-memory-profiler';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
function temporary(): number {
  return new Array(1e6).fill(1).length;
}
class Churn {
  ${decorator}
  run(): number {
    const kept = [1];
    const length = [temporary(), collect()][0] as number;
    return kept.length + length;
  }
}
export function main() {
  const churn = new Churn();
  // Older garbage (module loading) would be freed by the collection inside line 13 too, and counted
  // there: clear it first, so what that collection frees is the line's temporary.
  collect();
  return churn.run();
}
`;

for (const legacy of [false, true]) {
  test(`${legacy ? 'legacy' : 'TC39'}: a temporary array freed by a GC inside its line: Allocated is its size, GC freed too`, () => {
    const { reports, value } = runInChild(compile(TEMPORARY('@profile({ gc: true })'), { legacy }));
    assert.is(value, 1e6 + 1);
    const line = reports[0].lines.find((l) => l.line === 13)!;
    within(line.allocatedBytes!, 8_000_048, 0.1);
    within(line.gcFreedBytes!, 8_000_048, 0.1);
    // Net, the line kept nothing: what it allocated, the collection freed.
    assert.ok(Math.abs(line.incrementBytes!) < 0.1 * 8_000_048, `increment ${line.incrementBytes}`);
    assert.is(line.allocatedBytes, line.incrementBytes! + line.gcFreedBytes!);
  });
}

test('lines without a collection: Allocated equals Increment and GC freed is 0; lines that never ran are null', () => {
  const { reports } = runInChild(compile(TEMPORARY('@profile({ gc: true })')));
  const report = reports[0];
  const kept = report.lines.find((l) => l.line === 12)!;
  assert.is(kept.gcFreedBytes, 0);
  assert.is(kept.allocatedBytes, kept.incrementBytes);
  const signature = report.lines.find((l) => l.line === 11)!;
  assert.is(signature.allocatedBytes, null);
  assert.is(signature.gcFreedBytes, null);
});

test('the text table has the two columns after Occurrences, like Increment, and a rule as wide as the header', () => {
  const compiled = compile(TEMPORARY('@profile({ gc: true })'));
  const dir = writeProject({ 'app.js': compiled.js + '\nmain();\n' });
  const text = execFileSync(process.execPath, [path.join(dir, 'app.js')], { encoding: 'utf8' });
  const table = text.split('Filename: ')[1];
  const lines = table.split('\n');
  assert.is(lines[2], 'Line #    Mem usage    Increment  Occurrences    Allocated     GC freed   Line Contents');
  assert.is(lines[3], '='.repeat(lines[2].length));
  const masked = (row: string) => row.replace(/-?\d+\.\d MiB/g, (m) => 'N.N MiB'.padStart(m.length));
  assert.is(masked(lines[4]).replace(/ +N/g, ' N'), '    10 N.N MiB N.N MiB           1 N.N MiB N.N MiB     @profile({ gc: true })');
  assert.is(lines[5], '    11' + ' '.repeat(67) + '  run(): number {');
  assert.match(lines[7], /^ {4}13 +\d+\.\d MiB +-?\d+\.\d MiB +1 +\d+\.\d MiB +\d+\.\d MiB {7}const length/);
});

test('a report still waiting at process exit is written without the GC columns, not lost', () => {
  const compiled = compile(TEMPORARY('@profile({ gc: true })'));
  const dir = writeProject({ 'app.js': compiled.js + '\nmain();\nprocess.exit(0);\n' });
  const text = execFileSync(process.execPath, [path.join(dir, 'app.js')], { encoding: 'utf8' });
  const tables = text.split('Filename: ').slice(1);
  assert.is(tables.length, 1);
  assert.match(tables[0], /\nLine #    Mem usage    Increment  Occurrences   Line Contents\n/);
  assert.ok(maskFigures(tables[0]).includes('const length'));
});

test.run();
