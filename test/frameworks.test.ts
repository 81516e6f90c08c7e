/**
 * Real frameworks beside @profile (issue 10): small apps under test/fixtures/frameworks/ — NestJS 11
 * answering HTTP on 127.0.0.1, class-validator + class-transformer, TypeORM on SQLite in memory
 * (sql.js: WebAssembly, so the one `npm ci` done under Node 20 serves every Node version, which a
 * native addon such as better-sqlite3 would not), MobX 6 in both decorator modes.
 *
 * Each decorator mode is one program (experimentalDecorators + emitDecoratorMetadata for NestJS,
 * TypeORM, class-validator and MobX's legacy decorators; TC39 for MobX's 2022.3 decorators), built
 * four ways under .tmp: without @profile (the baseline: the same sources with every `@profile` and
 * its import taken out, plain tsc), tspc with the plugin, plain tsc with no plugin (the runtime's
 * fallback wrapper), and tspc at target ES2021 (every app has a class decorator). Every app runs in
 * a process of its own (helpers/frameworks-runner.ts) and must observe exactly what the baseline
 * observed and write nothing more to stderr; each profiled method must write one report per call
 * (the apps count their calls), line by line in the tspc builds, whose line tables must be readable
 * through reflect-metadata's API.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, TMP } from './helpers/compile';
import { buildTree } from './helpers/build-tree';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'frameworks');
const RUNNER = path.join(__dirname, 'helpers', 'frameworks-runner.js');
const WORK = path.join(TMP, `frameworks-${process.pid}`);
const SHARED = ['calls.ts', 'registered.ts'];

const MODES = {
  legacy: { label: 'experimentalDecorators', apps: ['nest', 'validation', 'typeorm', 'mobx-legacy'] },
  tc39: { label: 'TC39 decorators', apps: ['mobx-tc39'] },
} as const;
type Mode = keyof typeof MODES;

const BUILDS = {
  baseline: { label: 'without @profile', transform: false, target: ts.ScriptTarget.ES2022 },
  tspc: { label: 'tspc with the plugin', transform: true, target: ts.ScriptTarget.ES2022 },
  tsc: { label: 'plain tsc, no plugin', transform: false, target: ts.ScriptTarget.ES2022 },
  es2021: { label: 'tspc, target ES2021', transform: true, target: ts.ScriptTarget.ES2021 },
} as const;
type BuildName = keyof typeof BUILDS;
const PROFILED: BuildName[] = ['tspc', 'tsc', 'es2021'];

interface Summary {
  name: string;
  rowsRun: number;
}

interface Ran {
  code: number | null;
  stderr: string;
  observed: { calls?: Record<string, number>; [key: string]: unknown } | undefined;
  reports: Summary[];
  /** Line tables readable through reflect-metadata on the app's exported classes. */
  published: string[];
}

const diagnostics = {} as Record<string, string[]>;
const runs = {} as Record<string, Ran>;
const key = (mode: Mode, build: BuildName, app?: string) => [mode, build, app].filter(Boolean).join('/');

/** The same source without @profile: each `@profile` and the import of it taken out, line numbers kept. */
function withoutProfile(source: string): string {
  const stripped = source.replace(/^import \{ profile \} from 'ts-memory-profiler';$/m, '').replace(/^(\s*)@profile$/gm, '$1');
  if (/^\s*@profile|ts-memory-profiler'/m.test(stripped)) {
    throw new Error('withoutProfile left a @profile or its import in place');
  }
  return stripped;
}

function prepare(mode: Mode, build: BuildName): string {
  const src = path.join(WORK, mode, build, 'src');
  fs.mkdirSync(src, { recursive: true });
  for (const file of [...SHARED, ...MODES[mode].apps.map((a) => `${a}.ts`)]) {
    const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
    fs.writeFileSync(path.join(src, file), build === 'baseline' ? withoutProfile(text) : text);
  }
  return src;
}

function runApp(mode: Mode, build: BuildName, app: string): Promise<Ran> {
  const file = path.join(WORK, mode, build, 'out', `${app}.js`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [RUNNER, file, build === 'baseline' ? 'baseline' : 'profiled'],
      { cwd: WORK, maxBuffer: 16 * 2 ** 20, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        let parsed: Pick<Ran, 'observed' | 'reports' | 'published'> = { observed: undefined, reports: [], published: [] };
        try {
          if (code === 0) parsed = JSON.parse(stdout);
        } catch {
          // Left undefined: the test that reads it fails with the output.
        }
        resolve({ code, stderr, ...parsed });
      },
    );
  });
}

/** Runs every job, `width` at a time (the machine's two cores are shared). */
async function pool<T>(jobs: Array<() => Promise<T>>, width: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

test.before(async () => {
  fs.rmSync(WORK, { recursive: true, force: true });
  const jobs: Array<() => Promise<void>> = [];
  for (const mode of Object.keys(MODES) as Mode[]) {
    for (const build of Object.keys(BUILDS) as BuildName[]) {
      const src = prepare(mode, build);
      const { transform, target } = BUILDS[build];
      // One program per build. The baseline and the tspc build are type-checked (the fixtures are real,
      // typed code, and @profile must type-check beside the frameworks' decorators); the plain tsc and
      // ES2021 builds, of the same sources, get tsc's syntactic checks and the plugin's own.
      diagnostics[key(mode, build)] = buildTree(src, path.join(WORK, mode, build, 'out'), {
        legacy: mode === 'legacy',
        decoratorMetadata: mode === 'legacy',
        transform,
        target,
        check: build === 'baseline' || build === 'tspc',
      });
      for (const app of MODES[mode].apps) jobs.push(async () => void (runs[key(mode, build, app)] = await runApp(mode, build, app)));
    }
  }
  await pool(jobs, 2);
});

test.after(() => fs.rmSync(WORK, { recursive: true, force: true }));

test('every build compiles without a diagnostic', () => {
  for (const [name, list] of Object.entries(diagnostics)) assert.equal(list, [], name);
});

test('the ES2021 builds are lowered (no static block left), the ES2022 ones are not', () => {
  const read = (mode: Mode, build: BuildName, app: string) => fs.readFileSync(path.join(WORK, mode, build, 'out', `${app}.js`), 'utf8');
  assert.match(read('legacy', 'tspc', 'nest'), /static \{/);
  for (const [mode, app] of [
    ['legacy', 'nest'],
    ['legacy', 'typeorm'],
    ['legacy', 'validation'],
    ['legacy', 'mobx-legacy'],
    ['tc39', 'mobx-tc39'],
  ] as const) {
    assert.not.match(read(mode, 'es2021', app), /static \{/, `${mode}/${app}`);
  }
});

// What each app is meant to show, checked on the baseline: the suite compares against these runs.

function baseline(mode: Mode, app: string): Ran {
  const ran = runs[key(mode, 'baseline', app)];
  assert.is(ran.code, 0, `baseline ${app} failed:\n${ran.stderr}`);
  return ran;
}

test('baseline NestJS: routes, DI, pipes, validation, an interceptor, a guard, a controller factory, all over HTTP', () => {
  const { observed } = baseline('legacy', 'nest');
  const responses = (observed!.responses as Array<[string, string, number, string]>).map(([method, url, status, body]) => [
    method,
    url,
    status,
    JSON.parse(body),
  ]);
  assert.equal(responses[0], ['GET', '/items/1', 200, { found: { id: 1, name: 'first' }, tagged: true }]);
  assert.equal(responses[1], ['GET', '/items/7', 200, { found: { missing: 7 }, tagged: true }]);
  assert.equal(responses[2].slice(0, 3), ['GET', '/items/abc', 400]);
  assert.equal(responses[3], ['POST', '/items', 201, { created: { id: 2, name: 'pearpear' }, tagged: true }]);
  assert.equal(responses[4], ['GET', '/items/2', 200, { found: { id: 2, name: 'pearpear' }, tagged: true }]);
  assert.equal(responses[5], [
    'POST',
    '/items',
    400,
    { message: ['name must be longer than or equal to 2 characters'], error: 'Bad Request', statusCode: 400 },
  ]);
  assert.is(responses[6][2], 400);
  assert.equal(responses[7], ['GET', '/items/secret/value', 403, { message: 'Forbidden resource', error: 'Forbidden', statusCode: 403 }]);
  assert.is(responses[8][2], 403);
  assert.equal(responses[9], ['GET', '/items/secret/value', 200, { secret: 42, tagged: true }]);
  assert.equal(responses[10], ['GET', '/en/hello', 200, { greeting: 'hello from en' }]);
  assert.equal(responses[11], ['GET', '/fr/hello', 200, { greeting: 'hello from fr' }]);
  assert.is(responses[12][2], 404);
  assert.equal(observed!.calls, {
    'ItemsController.get': 3,
    'ItemsService.find': 3,
    'ItemsController.create': 1,
    'ItemsService.add': 1,
    'ApiKeyGuard.canActivate': 3,
    'ItemsController.secret': 1,
    'Greeter.hello': 2,
    'TagInterceptor.intercept': 8,
  });
});

test('baseline class-validator + class-transformer: nested validation errors, transforms, an exposed getter', () => {
  const { observed } = baseline('legacy', 'validation');
  const results = observed!.results as unknown[][];
  assert.equal(results[0], [
    'valid',
    'ada@example.com / 36 / London',
    { email: 'ada@example.com', age: 36, nickname: 'ada', address: { city: 'London' }, label: 'ada (36)' },
  ]);
  assert.is(results[1][0], 'invalid');
  assert.equal(results[1][1], [
    'email isEmail: email must be an email',
    'age min: age must not be less than 18',
    'address.city isLength: city must be longer than or equal to 2 characters',
  ]);
  assert.ok(
    (results[2][1] as string[]).some((e) => e.startsWith('age isInt:')) &&
      (results[2][1] as string[]).some((e) => e.startsWith('nickname isString:')),
  );
  assert.equal(results[3][1], ['age max: age must not be greater than 130']);
  assert.equal(observed!.registered, ['Signup', 'Checker']);
});

test('baseline TypeORM: rows written through listeners, read back through @AfterLoad', () => {
  const { observed } = baseline('legacy', 'typeorm');
  assert.equal(observed!.ids, [1, 2, 3]);
  assert.equal(observed!.rows, [
    { id: 1, title: 'Hello World', words: 2, slug: 'hello-world', published: 1 },
    { id: 2, title: 'Memory Profiles Are Fun', words: 4, slug: 'memory-profiles-are-fun', published: 1 },
    { id: 3, title: 'short', words: 1, slug: 'short', published: 0 },
  ]);
  assert.equal(observed!.loaded, ['1:hello-world', '2:memory-profiles-are-fun']);
  assert.equal(observed!.calls, { 'Notebook.write': 1, 'Note.makeSlug': 3, 'Note.remember': 2 });
});

for (const mode of ['legacy', 'tc39'] as const) {
  test(`baseline MobX (${MODES[mode].label}): actions, a computed, reactions`, () => {
    const { observed } = baseline(mode, `mobx-${mode}`);
    assert.equal(observed!.seen, [
      ['autorun', 0],
      ['reaction', 10, 0],
      ['autorun', 1],
      ['reaction', 15.5, 10],
      ['autorun', 2],
      ['reaction', 13.95, 15.5],
      ['autorun', 3],
      ['read', 13.95],
      ['untracked read', 13.95],
    ]);
    assert.equal(observed!.registered, ['Cart']);
    assert.is(observed!.reflectMetadata, 'undefined', 'nothing in the app loads reflect-metadata');
    assert.equal(observed!.calls, { 'Cart.get total': 6, 'Cart.add': 3, 'Cart.setDiscount': 1 });
  });
}

// Each profiled build against the baseline.

for (const build of PROFILED) {
  test(`nest (${BUILDS[build].label}): the route whose guard is written below @profile refuses a request without the key (403)`, () => {
    const ran = runs[key('legacy', build, 'nest')];
    assert.is(ran.code, 0, `the app failed:\n${ran.stderr}`);
    const secret = (ran.observed!.responses as Array<[string, string, number, string]>).filter(([, url]) => url === '/items/secret/value');
    assert.equal(
      secret.map(([, , status]) => status),
      [403, 403, 200],
    );
  });
}

/** The profiled members of each app's exported classes (the factory's Greeter is not exported). */
const PUBLISHED: Record<string, string[]> = {
  nest: [
    'ApiKeyGuard.canActivate',
    'ItemsController.create',
    'ItemsController.get',
    'ItemsController.secret',
    'ItemsService.add',
    'ItemsService.find',
    'TagInterceptor.intercept',
  ],
  validation: ['Checker.check', 'Signup.describe', 'Signup.get label'],
  typeorm: ['Note.makeSlug', 'Note.remember', 'Notebook.write'],
  'mobx-legacy': ['Cart.add', 'Cart.get total', 'Cart.setDiscount'],
  'mobx-tc39': ['Cart.add', 'Cart.get total', 'Cart.setDiscount'],
};

const HINT = /^ts-memory-profiler: .* was not instrumented when it was built, so its report has the decorator line only/;

for (const mode of Object.keys(MODES) as Mode[]) {
  for (const app of MODES[mode].apps) {
    for (const build of PROFILED) {
      const name = `${app} (${MODES[mode].label}, ${BUILDS[build].label})`;

      test(`${name}: behaves exactly as without @profile`, () => {
        const ran = runs[key(mode, build, app)];
        assert.is(ran.code, 0, `the app failed:\n${ran.stderr}`);
        assert.equal(ran.observed, baseline(mode, app).observed);
      });

      test(`${name}: nothing more on stderr${build === 'tsc' ? ' than the one-line hint of a build without the plugin' : ''}`, () => {
        const ran = runs[key(mode, build, app)];
        const lines = ran.stderr.split('\n');
        const hints = lines.filter((l) => HINT.test(l));
        if (build === 'tsc') assert.is(hints.length, 1, `the hint, once:\n${ran.stderr}`);
        assert.is(lines.filter((l) => !HINT.test(l)).join('\n'), baseline(mode, app).stderr);
      });

      test(`${name}: one report per call of each profiled method, ${build === 'tsc' ? 'the decorator line only (no plugin)' : 'line by line'}`, () => {
        const ran = runs[key(mode, build, app)];
        // The run's own count of calls: a run that behaves differently fails the test above, not this one.
        assert.is(ran.code, 0, `the app failed:\n${ran.stderr}`);
        const calls = ran.observed!.calls!;
        const counted: Record<string, number> = {};
        for (const report of ran.reports) counted[report.name] = (counted[report.name] ?? 0) + 1;
        assert.equal(counted, calls);
        const shapes = new Set(ran.reports.map((r) => (r.rowsRun > 1 ? 'multi-row' : 'one row')));
        assert.equal(
          [...shapes],
          [build === 'tsc' ? 'one row' : 'multi-row'],
          JSON.stringify(ran.reports.filter((r) => (build === 'tsc') !== (r.rowsRun === 1))),
        );
      });

      if (build !== 'tsc') {
        test(`${name}: the line tables are published, readable through reflect-metadata's API`, () => {
          const ran = runs[key(mode, build, app)];
          assert.is(ran.code, 0, `the app failed:\n${ran.stderr}`);
          assert.equal(ran.published, PUBLISHED[app]);
        });
      }
    }
  }
}

test.run();
