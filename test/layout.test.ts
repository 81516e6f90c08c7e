import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { blankRow, maskFigures, profileRun, tableTop } from './helpers/compile';

const SOURCE = `import { profile } from 'ts-memory-profiler';

class Demo {
  @profile
  myFunc(): number[] {
    // a comment
    const a = new Array(1e5).fill(1);

    return a;
  }
}

export function main() {
  return new Demo().myFunc().length;
}
`;

test('text report: memory_profiler layout, figures masked, structure exact', () => {
  const { text, value, compiled } = profileRun(SOURCE);
  assert.is(value, 1e5);
  const file = compiled.fileName.slice(process.cwd().length + 1);
  assert.fixture(
    maskFigures(text),
    [
      ...tableTop(file),
      // (The profiler's collections and their marks are left out: in this shared test process another
      // test's call still in flight stops them. test/increment.test.ts checks them in fresh processes.)
      '     4      N.N MiB      N.N MiB           1     @profile',
      blankRow(5, '  myFunc(): number[] {'),
      blankRow(6, '    // a comment'),
      '     7      N.N MiB      N.N MiB           1       const a = new Array(1e5).fill(1);',
      blankRow(8, ''),
      '     9      N.N MiB      N.N MiB           1       return a;',
      blankRow(10, '  }'),
      '',
      '',
      '',
    ].join('\n'),
  );
});

test.run();
