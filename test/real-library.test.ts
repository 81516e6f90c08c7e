/**
 * A real, class-heavy library as a user would profile it: data-structure-typed (a pinned
 * devDependency that ships its TypeScript sources) copied three times under .tmp, as published and
 * with `@profile` on every method and accessor in each decorator mode (helpers/decorate-all.ts), each
 * copy type-checked and built through the real transformer (helpers/build-tree.ts). The same
 * deterministic driver (helpers/real-library-driver.ts) runs against each build in a process of its
 * own: every result, thrown error and side effect must be the same, and the profiler must really
 * have run.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, TMP } from './helpers/compile';
import { buildTree } from './helpers/build-tree';
import { decorateAll, type Decorated } from './helpers/decorate-all';
import { libraryExamples } from './helpers/library-examples';

const LIBRARY = path.join(ROOT, 'node_modules', 'data-structure-typed');
const DRIVER = path.join(__dirname, 'helpers', 'real-library-driver.js');
const WORK = path.join(TMP, `real-library-${process.pid}`);
const MODES = ['tc39', 'legacy'] as const;

interface Counted {
  reports: number;
  multiRow: number;
  maxOccurrences: number;
}

interface Build {
  decorated?: Decorated;
  diagnostics: string[];
  /** The driver's exit code, and what it wrote. */
  code: number | null;
  stderr: string;
  log: unknown[];
  reports: Record<string, Counted>;
}

const builds = {} as Record<'plain' | (typeof MODES)[number], Build>;

function drive(name: string): Promise<{ code: number | null; stderr: string; log: unknown[]; reports: Record<string, Counted> }> {
  const out = path.join(WORK, `${name}.json`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [DRIVER, path.join(WORK, name, 'out', 'index.js'), out, path.join(WORK, 'examples.json')],
      { cwd: WORK, maxBuffer: 16 * 2 ** 20, timeout: 300_000 },
      (error, _stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        const written = code === 0 ? JSON.parse(fs.readFileSync(out, 'utf8')) : { log: [], reports: {} };
        resolve({ code, stderr, ...written });
      },
    );
  });
}

test.before(async () => {
  fs.rmSync(WORK, { recursive: true, force: true });
  const src = path.join(LIBRARY, 'src');
  fs.mkdirSync(WORK, { recursive: true });
  fs.writeFileSync(path.join(WORK, 'examples.json'), JSON.stringify(libraryExamples(src)));
  fs.cpSync(src, path.join(WORK, 'plain', 'src'), { recursive: true });
  const prepared: Partial<Record<keyof typeof builds, { decorated?: Decorated; diagnostics: string[] }>> = {
    plain: {
      diagnostics: buildTree(path.join(WORK, 'plain', 'src'), path.join(WORK, 'plain', 'out'), {
        legacy: false,
        transform: false,
        check: true,
      }),
    },
  };
  for (const mode of MODES) {
    const decorated = decorateAll(src, path.join(WORK, mode, 'src'), mode === 'legacy');
    const diagnostics = buildTree(path.join(WORK, mode, 'src'), path.join(WORK, mode, 'out'), {
      legacy: mode === 'legacy',
      transform: true,
      check: true,
    });
    prepared[mode] = { decorated, diagnostics };
  }
  // The two profiled runs take the time: side by side, one per core.
  const runs = await Promise.all((['plain', ...MODES] as const).map((name) => drive(name)));
  (['plain', ...MODES] as const).forEach((name, i) => (builds[name] = { ...prepared[name]!, ...runs[i] }));
});

test.after(() => fs.rmSync(WORK, { recursive: true, force: true }));

test('data-structure-typed: @profile on every method and accessor, and each build type-checks with no diagnostics', () => {
  const version = JSON.parse(fs.readFileSync(path.join(LIBRARY, 'package.json'), 'utf8')).version;
  assert.is(version, '2.6.2');
  for (const name of ['plain', ...MODES] as const) assert.equal(builds[name].diagnostics, [], name);
  const tc39 = builds.tc39.decorated!;
  const legacy = builds.legacy.decorated!;
  assert.ok(tc39.decorated.length > 900, `decorated ${tc39.decorated.length}`);
  assert.ok(tc39.files >= 25, `files ${tc39.files}`);
  // Overload signatures and abstract methods in both modes; legacy also leaves one half of each get/set pair.
  const why = (d: Decorated) => [...new Set(d.skipped.map((s) => s.why))].sort();
  assert.equal(why(tc39), ['no body (overload signature or abstract)']);
  assert.equal(why(legacy), [
    'no body (overload signature or abstract)',
    'second half of a get/set pair: experimentalDecorators decorates the pair once (TS1207)',
  ]);
  assert.is(legacy.decorated.length + legacy.skipped.length, tc39.decorated.length + tc39.skipped.length);
});

test('the driver runs to the end in every build, and its log covers results, errors and callbacks', () => {
  for (const name of ['plain', ...MODES] as const) assert.is(builds[name].code, 0, `${name}: ${builds[name].stderr.slice(-2000)}`);
  const log = builds.plain.log as unknown[][];
  const threw = log.filter((e) => e[1] === 'threw').length;
  const callbacks = log.filter((e) => ['predicate', 'mapper', 'comparator'].includes(e[0] as string)).length;
  const printed = log.filter((e) => e[0] === 'console.log').length;
  assert.ok(log.length > 25_000, `entries ${log.length}`);
  assert.ok(threw > 3_000, `thrown errors ${threw}`);
  assert.ok(callbacks > 3_000, `callback calls ${callbacks}`);
  assert.ok(printed > 300, `console.log calls ${printed}`);
});

test("the library's own examples run, most of them to the end", () => {
  const examples = (builds.plain.log as unknown[][]).filter((e) => String(e[0]).startsWith('example '));
  const ran = examples.filter((e) => e[1] !== 'threw').length;
  const printed = (builds.plain.log as unknown[][]).filter((e) => e[0] === 'console.log in example').length;
  assert.ok(examples.length > 400, `examples ${examples.length}`);
  assert.ok(ran > 0.9 * examples.length, `${ran} of ${examples.length} ran to the end`);
  assert.ok(printed > 700, `example console.log calls ${printed}`);
});

/** Where two logs first part, with both entries, or undefined. */
function firstDifference(plain: unknown[], profiled: unknown[]): string | undefined {
  for (let i = 0; i < Math.max(plain.length, profiled.length); i++) {
    const [a, b] = [JSON.stringify(plain[i]), JSON.stringify(profiled[i])];
    if (a !== b)
      return `entry ${i} (of ${plain.length} / ${profiled.length}):\n  plain:    ${a?.slice(0, 600)}\n  profiled: ${b?.slice(0, 600)}`;
  }
  return undefined;
}

for (const mode of MODES) {
  const label = mode === 'tc39' ? 'TC39 decorators' : 'experimentalDecorators';

  test(`every result, thrown error and side effect is the same with every method profiled (${label})`, () => {
    assert.ok(builds[mode].log.length > 0, 'the driver wrote nothing');
    assert.is(firstDifference(builds.plain.log, builds[mode].log), undefined);
  });

  test(`the profiler ran (${label}): reports for nearly every method, under their declared names, with probed lines and loops`, () => {
    const { decorated: members, skipped } = builds[mode].decorated!;
    // Under experimentalDecorators the decorated half of a get/set pair profiles the other half too.
    const pairHalves = skipped.filter((s) => s.why.includes('TS1207'));
    const decorated = new Set([...members, ...pairHalves].map((m) => m.name));
    const reported = Object.entries(builds[mode].reports);
    assert.equal(
      reported.filter(([name]) => !decorated.has(name)).map(([name]) => name),
      [],
      'reports for members that were not decorated',
    );
    assert.ok(reported.length > 0.9 * decorated.size, `${reported.length} of ${decorated.size} decorated members reported`);
    // A multi-row table: lines after the entry row ran (the transformer's probes, not the fallback).
    assert.ok(reported.filter(([, c]) => c.multiRow > 0).length > 0.9 * reported.length, 'tables with probed lines');
    assert.ok(reported.filter(([, c]) => c.maxOccurrences > 1).length > 300, 'lines run more than once in a call');
    const total = reported.reduce((sum, [, c]) => sum + c.reports, 0);
    assert.ok(total > 500_000, `reports ${total}`);
  });

  test(`the profiler wrote nothing to stderr (${label})`, () => {
    assert.is(builds[mode].stderr, '');
  });
}

test('the plain build writes nothing to stderr', () => {
  assert.is(builds.plain.stderr, '');
});

test.run();
