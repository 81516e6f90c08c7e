/**
 * Every compiler target from ES2017 to ESNext, both decorator modes, with and without a class
 * decorator, through the real transformer: the line tables are published (reflect-metadata and
 * `registeredLineTables()`), every call reports line by line, and the profiler writes nothing to
 * stderr. (Below ES2022 TypeScript lowers the static block that publishes the tables; with a legacy
 * class decorator its `this` became `void 0`.)
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileEach, writeProject } from './helpers/compile';

const TARGETS: Array<[string, ts.ScriptTarget]> = [
  ['ES2017', ts.ScriptTarget.ES2017],
  ['ES2018', ts.ScriptTarget.ES2018],
  ['ES2019', ts.ScriptTarget.ES2019],
  ['ES2020', ts.ScriptTarget.ES2020],
  ['ES2021', ts.ScriptTarget.ES2021],
  ['ES2022', ts.ScriptTarget.ES2022],
  ['ESNext', ts.ScriptTarget.ESNext],
];

const fixture = (classDecorator: boolean) => `import 'reflect-metadata';
import { configure, profile, registeredLineTables } from 'ts-memory-profiler';
configure({ format: 'json' });
function Controller(): any {
  return (cls: any) => cls;
}
${classDecorator ? '@Controller()' : ''}
class CrudController {
  @profile
  ping() {
    const list = [1, 2];
    return list.length;
  }
  @profile
  static make() {
    const list = [1, 2, 3];
    return list.length;
  }
}
const result = [new CrudController().ping(), CrudController.make()];
const lines = 'ts-memory-profiler:lines';
console.log('RESULT ' + JSON.stringify({
  result,
  ping: Reflect.getMetadata(lines, CrudController.prototype, 'ping')?.name,
  make: Reflect.getMetadata(lines, CrudController, 'make')?.name,
  registered: registeredLineTables().map((t) => t.name).sort(),
}));
`;

for (const legacy of [false, true]) {
  test(`${legacy ? 'experimentalDecorators' : 'TC39 decorators'}: ES2017 to ESNext, with and without a class decorator: tables published, reports line by line, nothing on stderr`, () => {
    for (const [name, target] of TARGETS) {
      const [plain, decorated] = compileEach([fixture(false), fixture(true)], { legacy, target });
      for (const [compiled, label] of [
        [plain, 'no class decorator'],
        [decorated, 'class decorator'],
      ] as const) {
        const where = `${name}, ${label}`;
        assert.equal(compiled.diagnostics, [], where);
        // ESNext keeps TC39 decorators as written, and no Node version (20 to 26) parses them yet.
        if (!legacy && target === ts.ScriptTarget.ESNext) {
          assert.match(compiled.js, /^\s*@__mp_1\.__instrumented\(/m, where);
          continue;
        }
        const dir = writeProject({ 'app.js': compiled.js });
        const run = spawnSync(process.execPath, [path.join(dir, 'app.js')], { encoding: 'utf8' });
        assert.is(run.stderr, '', where);
        assert.is(run.status, 0, where);
        const out = run.stdout.split('\n').filter(Boolean);
        const result = JSON.parse(out.find((l) => l.startsWith('RESULT '))!.slice(7));
        assert.equal(
          result,
          {
            result: [2, 3],
            ping: 'CrudController.ping',
            make: 'CrudController.make',
            registered: ['CrudController.make', 'CrudController.ping'],
          },
          where,
        );
        const reports = out
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { name: string; lines: Array<{ occurrences: number }> });
        assert.equal(
          reports.map((r) => r.name),
          ['CrudController.ping', 'CrudController.make'],
          where,
        );
        for (const report of reports) assert.is(report.lines.filter((l) => l.occurrences > 0).length, 3, where);
      }
    }
  });
}

test.run();
