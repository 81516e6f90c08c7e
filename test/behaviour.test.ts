/**
 * Instrumentation never changes what a program does: each fixture is compiled three ways — without
 * @profile, with @profile but no transformer, with the transformer — in both decorator modes, run,
 * and the return value (or what an async main() settles to), the thrown error or rejection and the
 * order of side effects must be identical. The instrumented run's reports must all be line by line.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as v8 from 'v8';
import { compile, compileEach, run, runSettled, writeProject, type Compiled, type RunResult } from './helpers/compile';

const HEADER = `import { profile } from 'ts-memory-profiler';
declare function log(...values: unknown[]): void;
`;

/**
 * The fixtures, one file each in test/fixtures/behaviour/: classes (methods marked @profile) and
 * main(), which may be async (its promise is awaited). The file's first line, a comment, names it; a
 * second, `// tc39Only: TS1206`, marks a fixture TypeScript refuses under experimentalDecorators
 * with that error. `log` is declared by HEADER.
 */
interface Fixture {
  name: string;
  source: string;
  tc39Only?: 'TS1206' | 'TS1207';
}

const FIXTURE_DIR = path.join(__dirname, '..', '..', 'test', 'fixtures', 'behaviour');

function readFixture(file: string): Fixture {
  const lines = fs.readFileSync(path.join(FIXTURE_DIR, file), 'utf8').split('\n');
  const name = lines.shift()!.replace(/^\/\/ /, '');
  const marker = /^\/\/ tc39Only: (TS1206|TS1207)$/.exec(lines[0] ?? '');
  if (marker) lines.shift();
  // The files end with a newline the source had not.
  if (lines[lines.length - 1] === '') lines.pop();
  return { name, source: lines.join('\n'), ...(marker ? { tc39Only: marker[1] as 'TS1206' | 'TS1207' } : {}) };
}

const FIXTURES: Fixture[] = fs
  .readdirSync(FIXTURE_DIR)
  .filter((file) => file.endsWith('.ts'))
  .sort()
  .map(readFixture);

function outcome(result: RunResult) {
  const error = result.threw
    ? result.error instanceof Error
      ? { type: result.error.constructor.name, message: result.error.message }
      : { thrown: result.error }
    : undefined;
  return { value: result.value, error, log: result.log };
}

/**
 * The fixture as it would be written without the profiler: every `@profile` and `@profile(...)`
 * removed (a decorator with options is written on a line of its own).
 */
const undecorated = (source: string) => source.replace(/@profile(?:\(.*\))?\s+/g, '');

const source = (fixture: Fixture) => HEADER + fixture.source + '\n';

type Variant = 'undecorated' | 'plain' | 'instrumented';
const batches = new Map<string, Map<Fixture, Compiled>>();

/** The fixture compiled one way: all fixtures of a mode and variant are compiled together, at first need. */
function built(fixture: Fixture, legacy: boolean, variant: Variant): Compiled {
  const key = `${legacy} ${variant}`;
  let batch = batches.get(key);
  if (batch === undefined) {
    const fixtures = FIXTURES.filter((f) => !(legacy && f.tc39Only));
    const sources = fixtures.map((f) => (variant === 'undecorated' ? undecorated(source(f)) : source(f)));
    const compiled = compileEach(sources, { legacy, transform: variant !== 'plain' });
    batch = new Map(fixtures.map((f, i) => [f, compiled[i]]));
    batches.set(key, batch);
  }
  return batch.get(fixture)!;
}

for (const fixture of FIXTURES) {
  for (const legacy of [false, true]) {
    if (legacy && fixture.tc39Only) continue;
    test(`${legacy ? 'legacy' : 'TC39'}: ${fixture.name}`, async () => {
      const build = built(fixture, legacy, 'instrumented');
      assert.equal(build.diagnostics, [], 'the transformer compiles it');
      const baseline = outcome(await runSettled(built(fixture, legacy, 'undecorated')));
      const plain = outcome(await runSettled(built(fixture, legacy, 'plain')));
      const instrumented = await runSettled(build);
      assert.equal(plain, baseline, 'decorated without the transformer');
      assert.equal(outcome(instrumented), baseline, 'instrumented');
      assert.ok(instrumented.reports.length > 0, 'the instrumented run wrote reports');
      // Line by line, from the source: not the one-row report of a method whose body never took its frame.
      const oneRow = instrumented.reports.filter((r) => !r.file.endsWith('fixture.ts')).map((r) => r.name);
      assert.equal(oneRow, [], 'every report of the instrumented run is line by line');
    });
  }
  const refusal = fixture.tc39Only;
  if (refusal) {
    test(`legacy: TypeScript refuses it (${refusal}): ${fixture.name}`, () => {
      const { diagnostics } = compile(source(fixture), { legacy: true, check: true });
      assert.ok(
        diagnostics.some((d) => d.includes(`error ${refusal}:`)),
        diagnostics.join('\n'),
      );
    });
  }
}

/** What can cross a process boundary of an outcome: v8's structured clone (Maps, bigints, undefined kept). */
function cloned(value: unknown): unknown {
  try {
    return v8.deserialize(v8.serialize(value));
  } catch (error) {
    return `not cloneable: ${(error as Error).message}`;
  }
}

/** Runs f0.js ... f<n-1>.js in turn, as runSettled does, and prints their outcomes, serialized. */
const OFF_RUNNER = (count: number) => `const v8 = require('v8');
const ${outcome.name} = ${outcome.toString()};
const ${cloned.name} = ${cloned.toString()};
(async () => {
  const outcomes = [];
  for (let i = 0; i < ${count}; i++) {
    const log = [];
    globalThis.log = (...values) => log.push(values.length === 1 ? values[0] : values);
    let result;
    try {
      result = { value: await require('./f' + i + '.js').main(), threw: false, log };
    } catch (error) {
      result = { error, threw: true, log };
    }
    outcomes.push(cloned(outcome(result)));
  }
  process.stdout.write('\\n' + v8.serialize(outcomes).toString('base64') + '\\n');
})();
`;

for (const legacy of [false, true]) {
  // The variable is read when the runtime loads: all fixtures of a mode run in one process of their own.
  test(`${legacy ? 'legacy' : 'TC39'}: with TS_MEMORY_PROFILER=off, the instrumented builds (bodies unwrapped, probes idle) behave as written`, async () => {
    const fixtures = FIXTURES.filter((f) => !(legacy && f.tc39Only));
    const files: Record<string, string> = { 'main.js': OFF_RUNNER(fixtures.length) };
    fixtures.forEach((f, i) => (files[`f${i}.js`] = built(f, legacy, 'instrumented').js));
    const main = path.join(writeProject(files), 'main.js');
    const output = execFileSync(process.execPath, [main], {
      encoding: 'utf8',
      env: { ...process.env, TS_MEMORY_PROFILER: 'off' },
      maxBuffer: 64 * 2 ** 20,
    });
    const off = v8.deserialize(Buffer.from(output.trim().split('\n').pop()!, 'base64')) as unknown[];
    for (const [i, fixture] of fixtures.entries()) {
      assert.equal(off[i], cloned(outcome(await runSettled(built(fixture, legacy, 'undecorated')))), fixture.name);
    }
  });
}

test('recursion writes one report per call', () => {
  assert.is(
    run(
      built(
        FIXTURES.find((f) => f.name === 'recursion')!,
        false,
        'instrumented',
      ),
    ).reports.length,
    177,
  );
});

test('a profiled function constructed in a parameter default leaves the method its frame: three reports of S.m', () => {
  const fixture = FIXTURES.find((f) => f.name.startsWith('constructing profiled functions'))!;
  const { reports } = run(built(fixture, false, 'instrumented'));
  assert.equal(
    reports.map((r) => r.name),
    ['S.m', 'S.m', 'S.m'],
  );
  // The body's two lines ran in each call.
  for (const report of reports) assert.equal(report.lines.filter((l) => l.occurrences > 0).length, 2);
});

test.run();
