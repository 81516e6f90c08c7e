/**
 * The host-neutral entry points, in process: `before()` under `ts.transpileModule` (no program, no
 * type checker), the ts-jest module's shape, and the Vite plugin's choice of files and decorator mode.
 * The real tools run in test/hosts.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { before } from 'ts-memory-profiler/transformer';
import * as jestTransformer from 'ts-memory-profiler/jest';
import { memoryProfiler } from 'ts-memory-profiler/vite';
import { ROOT, TMP, run, writeProject, type Compiled } from './helpers/compile';

let counter = 0;

/** Transpiles one file the way transpileModule hosts do (ts-jest isolatedModules, Vite, ts-node transpileOnly). */
function transpile(source: string, transformer = before(), legacy = false): Compiled {
  const fileName = path.join(TMP, `b${process.pid}-${counter++}`, 'fixture.ts');
  const output = ts.transpileModule(source, {
    fileName,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, experimentalDecorators: legacy },
    transformers: { before: [transformer] },
  });
  return { js: output.outputText, diagnostics: [], fileName };
}

const METHOD = (decorator: string) => `
class Demo {
  ${decorator}
  work(): number {
    const a = [1, 2, 3];
    return a.length;
  }
}
export function main() { return new Demo().work(); }
`;

for (const legacy of [false, true]) {
  test(`before() under transpileModule instruments a method (${legacy ? 'experimentalDecorators' : 'TC39'})`, () => {
    const result = run(transpile(`import { profile } from 'ts-memory-profiler';\n${METHOD('@profile')}`, before(), legacy));
    assert.is(result.value, 3);
    assert.equal(
      result.reports.map((r) => r.lines.filter((l) => l.occurrences > 0).map((l) => l.line)),
      [[4, 6, 7]],
    );
  });
}

test('before() recognises profile renamed and through a namespace, without a type checker', () => {
  const renamed = run(transpile(`import { profile as mem } from 'ts-memory-profiler';\n${METHOD('@mem({ precision: 2 })')}`));
  assert.equal(
    renamed.reports.map((r) => [r.name, r.precision]),
    [['Demo.work', 2]],
  );
  const namespaced = run(transpile(`import * as mp from 'ts-memory-profiler';\n${METHOD('@mp.profile')}`));
  assert.equal(
    namespaced.reports.map((r) => r.lines.filter((l) => l.occurrences > 0).length),
    [3],
  );
});

test('before() leaves a `profile` from another module alone', () => {
  const source = `import { profile } from './elsewhere';\n${METHOD('@profile')}`;
  const plain = ts.transpileModule(source, {
    fileName: 'x.ts',
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  });
  const transformed = ts.transpileModule(source, {
    fileName: 'x.ts',
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
    transformers: { before: [before()] },
  });
  assert.is(transformed.outputText, plain.outputText);
});

test('before() without a diagnostics channel throws the error with file, line and column', () => {
  const source = `import { profile } from 'ts-memory-profiler';\n${METHOD('@profile({ precision: 11 })')}`;
  try {
    transpile(source);
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, Error);
    assert.match(
      (error as Error).message,
      /fixture\.ts\(4,25\): error TS990003: ts-memory-profiler: @profile option 'precision' must be an integer from 0 to 10, got 11$/,
    );
  }
});

test('before() hands its diagnostics to addDiagnostic when given one', () => {
  const seen: ts.Diagnostic[] = [];
  transpile(
    `import { profile } from 'ts-memory-profiler';\nclass C {\n  @profile\n  x = 1;\n}\n`,
    before({ addDiagnostic: (d) => seen.push(d) }),
  );
  assert.equal(
    seen.map((d) => [d.code, d.file?.getLineAndCharacterOfPosition(d.start!).line]),
    [[990001, 2]],
  );
});

test('before() compiles with the TypeScript it is given', () => {
  let used = 0;
  const counted = new Proxy(ts, { get: (target, key) => (key === 'factory' && used++, Reflect.get(target, key)) });
  const transformer = before({ ts: counted });
  used = 0;
  run(transpile(`import { profile } from 'ts-memory-profiler';\n${METHOD('@profile')}`, transformer));
  assert.ok(used > 0, 'the transform builds its nodes with the given TypeScript');
});

test('before() with a bad option is a TypeError naming it', () => {
  assert.throws(
    () => before({ bogus: 1 } as never),
    (e: Error) => e instanceof TypeError && e.message.includes("unknown option 'bogus'"),
  );
  assert.throws(
    () => before({ ts: 5 } as never),
    (e: Error) => e instanceof TypeError && e.message.includes("option 'ts'"),
  );
  assert.throws(
    () => before({ addDiagnostic: 'x' } as never),
    (e: Error) => e instanceof TypeError && e.message.includes("option 'addDiagnostic'"),
  );
  assert.throws(() => before(null as never), TypeError);
});

test('ts-memory-profiler/jest exports what ts-jest loads: name, version (the package version), factory', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.is(jestTransformer.name, 'ts-memory-profiler');
  assert.is(jestTransformer.version, pkg.version);
  const factory = jestTransformer.factory({ configSet: { compilerModule: ts } });
  const result = run(transpile(`import { profile } from 'ts-memory-profiler';\n${METHOD('@profile')}`, factory));
  assert.is(result.reports.length, 1);
});

// The Vite plugin, called as Vite calls it.

const PROFILED = `import { profile } from 'ts-memory-profiler';\n${METHOD('@profile')}`;

test("vite plugin: runs before Vite's TypeScript step, on TypeScript files that use the package", () => {
  const plugin = memoryProfiler();
  assert.is(plugin.enforce, 'pre');
  const dir = writeProject({ 'tsconfig.json': '{}' });
  assert.is(plugin.transform(PROFILED, path.join(dir, 'a.js')), null);
  assert.is(plugin.transform('export const x: number = 1;', path.join(dir, 'a.ts')), null);
  assert.is(plugin.transform(PROFILED, path.join(dir, 'node_modules', 'dep', 'a.ts')), null);
  for (const name of ['a.ts', 'a.mts', 'a.cts', 'a.tsx', 'a.ts?v=123']) {
    const out = plugin.transform(PROFILED, path.join(dir, name));
    assert.ok(out && out.code.includes('__esDecorate(') && out.map, name);
  }
});

test("vite plugin: the nearest tsconfig's experimentalDecorators is honoured, or the one named by `tsconfig`", () => {
  const dir = writeProject({
    'legacy/tsconfig.json': '{ "compilerOptions": { "experimentalDecorators": true } }',
    'tc39/tsconfig.json': '{ "compilerOptions": {} }',
  });
  const plugin = memoryProfiler();
  assert.match(plugin.transform(PROFILED, path.join(dir, 'legacy', 'src', 'a.ts'))!.code, /__decorate\(/);
  assert.match(plugin.transform(PROFILED, path.join(dir, 'tc39', 'a.ts'))!.code, /__esDecorate\(/);
  const named = memoryProfiler({ tsconfig: path.join(dir, 'legacy', 'tsconfig.json') });
  assert.match(named.transform(PROFILED, path.join(dir, 'tc39', 'a.ts'))!.code, /__decorate\(/);
});

test('vite plugin: a bad option is a TypeError naming it', () => {
  assert.throws(
    () => memoryProfiler({ include: /x/ } as never),
    (e: Error) => e instanceof TypeError && e.message.includes("unknown option 'include'"),
  );
  assert.throws(
    () => memoryProfiler({ tsconfig: 1 } as never),
    (e: Error) => e instanceof TypeError && e.message.includes("option 'tsconfig'"),
  );
});

test.run();
