/**
 * Run-time behaviour of @profile: its forms, its options (checked when the class is defined),
 * configure, JSON, failures inside the profiler, the environment switch, the uninstrumented fallback,
 * and what it publishes for other tools.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as path from 'path';
import 'reflect-metadata';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LINES_METADATA_KEY, configure, profile, registeredLineTables, type LineTable } from 'ts-memory-profiler';
import { ROOT, compile, profileRun, writeProject } from './helpers/compile';

const throwsTypeError = (fn: () => unknown, pattern: RegExp) => {
  try {
    fn();
  } catch (error) {
    assert.instance(error, TypeError);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable('no TypeError was thrown');
};

// ---- forms and checks --------------------------------------------------------------------------

test('each bad option is a TypeError naming it, at the factory call', () => {
  throwsTypeError(() => profile({ precision: 'x' as unknown as number }), /option 'precision' must be an integer from 0 to 10, got "x"/);
  throwsTypeError(() => profile({ precision: 11 }), /'precision'/);
  throwsTypeError(() => profile({ format: 'xml' as 'json' }), /option 'format'/);
  throwsTypeError(() => profile({ stream: {} as never }), /option 'stream' must be an object with a write\(text\) method/);
  throwsTypeError(() => profile({ onReport: 1 as never }), /option 'onReport' must be a function/);
  throwsTypeError(() => profile({ enabled: 1 as never }), /option 'enabled'/);
  throwsTypeError(() => profile({ backend: 'psutil' as never }), /option 'backend' must be 'heap', 'rss' or 'exact'/);
});

test('an unknown option and a non-object are TypeErrors', () => {
  throwsTypeError(() => profile({ precison: 1 } as never), /unknown option 'precison'/);
  throwsTypeError(() => profile('fast' as never), /@profile options must be an object, got "fast"/);
  throwsTypeError(() => profile(null as never), /must be an object, got null/);
});

test('configure checks its options the same way', () => {
  throwsTypeError(() => configure({ precision: -1 }), /configure: option 'precision'/);
});

test('legacy form: a static method (target is a function) and an instance method (target is an object)', () => {
  class C {
    static s() {
      return 1;
    }
    m() {
      return 2;
    }
  }
  const staticDescriptor = profile(C, 's', Object.getOwnPropertyDescriptor(C, 's')!);
  const instanceDescriptor = profile(C.prototype, 'm', Object.getOwnPropertyDescriptor(C.prototype, 'm')!);
  assert.type(staticDescriptor.value, 'function');
  assert.type(instanceDescriptor.value, 'function');
  assert.is.not(instanceDescriptor.value, C.prototype.m);
  assert.is(instanceDescriptor.value.name, 'm');
});

test('TC39 form: (value, context) returns a wrapper with the same name and length', () => {
  function method(this: unknown, a: number, b: number) {
    return a + b;
  }
  const wrapped = profile(method, { kind: 'method', name: 'method', static: false, private: false }) as typeof method;
  assert.is.not(wrapped, method);
  assert.is(wrapped.name, 'method');
  assert.is(wrapped.length, 2);
});

test('on a field, a class, an auto-accessor or a parameter: a TypeError saying what it can decorate', () => {
  throwsTypeError(
    () => profile(undefined as never, { kind: 'field', name: 'x' }),
    /can only decorate a method or a get\/set accessor, not a field \(x\)/,
  );
  throwsTypeError(() => profile(class Foo {} as never, { kind: 'class', name: 'Foo' }), /not a class/);
  throwsTypeError(() => profile({ get() {}, set() {} } as never, { kind: 'accessor', name: 'a' }), /not a accessor \(a\)/);
  throwsTypeError(() => profile({}, 'x', undefined as never), /not a property/);
  throwsTypeError(() => (profile as unknown as (...a: unknown[]) => unknown)({}, 'm', 0), /not a parameter/);
  throwsTypeError(() => (profile as unknown as (...a: unknown[]) => unknown)(class Bar {}), /not a class \(Bar\)/);
});

// ---- options at work, through real compiled methods --------------------------------------------

const method = (decorator: string, before = '') => `import { profile, configure } from 'ts-memory-profiler';
${before}
class Subject {
  ${decorator}
  work(): number {
    const list = [1, 2, 3];
    return list.length;
  }
}
export function main() {
  return new Subject().work();
}
`;

const figure = (text: string) => /^ +6 +(\S+) MiB/m.exec(text)![1];

test('precision: the decorator, then configure, then the default of 1', () => {
  assert.match(figure(profileRun(method('@profile')).text), /^\d+\.\d$/);
  assert.match(figure(profileRun(method('@profile', 'configure({ precision: 3 });')).text), /^\d+\.\d{3}$/);
  assert.match(figure(profileRun(method('@profile({ precision: 0 })', 'configure({ precision: 3 });')).text), /^\d+$/);
  assert.match(figure(profileRun(method('@profile({ precision: 10 })')).text), /^\d+\.\d{10}$/);
  configure({ precision: undefined });
  assert.match(figure(profileRun(method('@profile')).text), /^\d+\.\d$/);
});

test("format: 'json' writes one JSON line with the documented fields, null for lines that never ran", () => {
  const result = profileRun(method("@profile({ format: 'json', precision: 2 })"));
  assert.is(result.text.endsWith('\n'), true);
  assert.is(result.text.split('\n').length, 2);
  const report = JSON.parse(result.text);
  assert.equal(Object.keys(report), ['file', 'name', 'precision', 'backend', 'lines']);
  assert.is(report.name, 'Subject.work');
  assert.is(report.precision, 2);
  assert.is(report.backend, 'heap');
  assert.equal(report.lines[1], { line: 5, source: '  work(): number {', occurrences: 0, memBytes: null, incrementBytes: null });
  assert.equal(Object.keys(report.lines[2]), ['line', 'source', 'occurrences', 'memBytes', 'incrementBytes']);
  assert.is(report.lines[2].occurrences, 1);
  // onReport got the same report.
  assert.equal(result.reports[0], report);
});

test('enabled: false, on the decorator or through configure: no report, same result', () => {
  const off = profileRun(method('@profile({ enabled: false })'));
  assert.is(off.value, 3);
  assert.is(off.text, '');
  const configured = profileRun(method('@profile', 'configure({ enabled: false });'));
  assert.is(configured.value, 3);
  assert.is(configured.text, '');
  configure({ enabled: undefined });
  assert.is.not(profileRun(method('@profile')).text, '');
});

test('report names: Class.method, static, #private, get/set, and <anonymous> for an unnamed class', () => {
  const source = `import { profile } from 'ts-memory-profiler';
class Named {
  @profile m() { return 1; }
  @profile static s() { return 2; }
  @profile #p() { return 3; }
  @profile get x() { return 4; }
  @profile set x(v: number) {}
  callPrivate() { return this.#p(); }
}
const Assigned = class { @profile m() { return 5; } };
const anonymous = [class { @profile m() { return 6; } }][0];
export function main() {
  const n = new Named();
  n.m(); Named.s(); n.callPrivate(); n.x; n.x = 1;
  new Assigned().m(); new anonymous().m();
}
`;
  assert.equal(
    profileRun(source).reports.map((r) => r.name),
    ['Named.m', 'Named.s', 'Named.#p', 'Named.get x', 'Named.set x', 'Assigned.m', '<anonymous>.m'],
  );
});

test('reflect-metadata: each table on the prototype (the constructor for statics); #private in the registry only', () => {
  const source = `import { profile } from 'ts-memory-profiler';
export class Published {
  @profile m() { return 1; }
  @profile static s() { return 2; }
  @profile #hidden() { return 3; }
}
export function main() { return Published; }
`;
  const cls = profileRun(source).value as Function;
  const m = Reflect.getMetadata(LINES_METADATA_KEY, cls.prototype, 'm') as LineTable;
  assert.is(m.name, 'Published.m');
  assert.is(m.first, 3);
  assert.equal(m.lines, ['  @profile m() { return 1; }']);
  const s = Reflect.getMetadata(LINES_METADATA_KEY, cls, 's') as LineTable;
  assert.is(s.name, 'Published.s');
  assert.is(Reflect.getMetadata(LINES_METADATA_KEY, cls.prototype, 's'), undefined);
  assert.ok(registeredLineTables().some((t) => t.name === 'Published.#hidden' && t.key === undefined));
});

// ---- in a process of their own: stderr, the environment ----------------------------------------

function runAlone(source: string, options: { transform?: boolean; env?: Record<string, string> } = {}) {
  const compiled = compile(source, { transform: options.transform });
  assert.equal(compiled.diagnostics, []);
  const dir = writeProject({ 'app.js': compiled.js });
  return spawnSync(process.execPath, [path.join(dir, 'app.js')], { encoding: 'utf8', env: { ...process.env, ...options.env } });
}

const ALONE = (decorator: string) => `import { profile } from 'ts-memory-profiler';
class Subject {
  ${decorator}
  work(): number {
    const list = [1, 2, 3];
    return list.length;
  }
}
const s = new Subject();
console.log(s.work(), s.work());
`;

test('a stream whose write throws: same results, one line on stderr for two calls', () => {
  const result = runAlone(ALONE("@profile({ stream: { write() { throw new Error('disk full'); } } })"));
  assert.is(result.status, 0);
  assert.is(result.stdout, '3 3\n');
  assert.is(result.stderr, "ts-memory-profiler: the report stream's write() threw, reports are lost: Error: disk full\n");
});

test('an onReport that throws: same results, the report still written, one line on stderr', () => {
  const result = runAlone(ALONE("@profile({ onReport() { throw new TypeError('oops'); } })"));
  assert.is(result.status, 0);
  assert.match(result.stdout, /Line #    Mem usage/);
  assert.match(result.stdout, /\n3 3\n$/);
  assert.is(result.stderr, 'ts-memory-profiler: onReport threw: TypeError: oops\n');
});

test('TS_MEMORY_PROFILER=off: no report, the same output', () => {
  const result = runAlone(ALONE('@profile'), { env: { TS_MEMORY_PROFILER: 'off' } });
  assert.is(result.stdout, '3 3\n');
  assert.is(result.stderr, '');
});

test('stdout piped to a reader that goes away (| head -3): the program ends as it would unprofiled, exit 0, one line on stderr', () => {
  const source = `import { profile } from 'ts-memory-profiler';
class Subject {
  @profile
  work(): number {
    const list = [1, 2, 3];
    return list.length;
  }
}
async function main() {
  console.log('start');
  let sum = 0;
  for (let i = 0; i < 40; i++) {
    sum += new Subject().work();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  process.stderr.write('done ' + sum + '\\n');
}
main();
`;
  const compiled = compile(source);
  assert.equal(compiled.diagnostics, []);
  const dir = writeProject({ 'app.js': compiled.js, 'app.ts': source });
  const cli = path.join(ROOT, 'dist/cli/main.js');
  for (const [command, value] of [
    ['node app.js', ''],
    ['node app.js', 'off'],
    [`node ${cli} run app.ts`, ''],
    [`node ${cli} run app.ts`, 'off'],
  ]) {
    const result = spawnSync('bash', ['-c', `${command} | head -3 >/dev/null; echo "exit \${PIPESTATUS[0]}" >&2`], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, TS_MEMORY_PROFILER: value, PATH: `${path.dirname(process.execPath)}:${process.env.PATH}` },
    });
    const lines = result.stderr.split('\n').filter(Boolean);
    assert.is(lines[lines.length - 1], 'exit 0', `${command} ${value}: ${result.stderr}`);
    assert.ok(lines.includes('done 120'), result.stderr);
    const ours = lines.filter((l) => l.startsWith('ts-memory-profiler:'));
    const node = lines.filter((l) => !l.startsWith('ts-memory-profiler:') && l !== 'done 120' && !l.startsWith('exit '));
    // Node 26 says once that module.register() (the loader's) is deprecated; nothing else may show.
    assert.ok(
      node.every((l) => /DEP0205|--trace-deprecation/.test(l)),
      result.stderr,
    );
    if (value === 'off') assert.is(ours.length, 0, result.stderr);
    else {
      assert.is(ours.length, 1, result.stderr);
      assert.match(ours[0], /^ts-memory-profiler: the report stream failed, reports are lost: Error: write EPIPE$/);
    }
  }
});

test('TS_MEMORY_PROFILER: every usual off spelling turns profiling off, whatever its case and spaces', () => {
  for (const value of ['disabled', 'none', ' off', 'OFF ', 'No', ' false\n', '0', 'Disabled']) {
    const result = runAlone(ALONE('@profile'), { env: { TS_MEMORY_PROFILER: value } });
    assert.is(result.stdout, '3 3\n', JSON.stringify(value));
    assert.is(result.stderr, '', JSON.stringify(value));
  }
});

test('TS_MEMORY_PROFILER: an on spelling profiles quietly; a value not understood profiles and says one line', () => {
  for (const value of ['on', ' 1', 'TRUE', '']) {
    const result = runAlone(ALONE('@profile'), { env: { TS_MEMORY_PROFILER: value } });
    assert.is(result.stdout.split('Filename: ').length - 1, 2, JSON.stringify(value));
    assert.is(result.stderr, '', JSON.stringify(value));
  }
  const result = runAlone(ALONE('@profile'), { env: { TS_MEMORY_PROFILER: 'of' } });
  assert.is(result.status, 0);
  assert.is(result.stdout.split('Filename: ').length - 1, 2);
  assert.is(
    result.stderr,
    'ts-memory-profiler: TS_MEMORY_PROFILER="of" is not understood, profiling stays on (off: off, 0, false, no, disabled, none; on: on, 1, true, yes, enabled)\n',
  );
});

test('without the transformer: a report of the decorator line only, and the hint on stderr once', () => {
  const result = runAlone(ALONE('@profile'), { transform: false });
  assert.is(result.status, 0);
  const tables = result.stdout.split('Filename: ').slice(1);
  assert.is(tables.length, 2);
  for (const table of tables) {
    const rows = table
      .split('\n')
      .slice(4)
      .filter((l) => /^ +\d+ /.test(l));
    assert.is(rows.length, 1, table);
    assert.match(rows[0], /^ +\d+ +\d+\.\d MiB +\d+\.\d MiB +1   @profile {2}\(Subject\.work\)$/);
  }
  assert.match(result.stdout, /\n3 3\n$/);
  assert.is(result.stderr.split('\n').filter(Boolean).length, 1);
  assert.match(result.stderr, /Subject\.work was not instrumented.*"plugins": \[\{ "transform": "ts-memory-profiler\/transformer" \}\]/);
});

test('importing the package changes no globals: no Reflect.getMetadata & co., with or without TS_MEMORY_PROFILER=off', () => {
  const script =
    "const keys = () => JSON.stringify(Reflect.ownKeys(Reflect).map(String)); const before = keys(); require('ts-memory-profiler'); console.log(typeof Reflect.getMetadata, typeof Reflect.defineMetadata, keys() === before)";
  for (const value of ['', 'off']) {
    const output = execFileSync(process.execPath, ['-e', script], {
      cwd: writeProject({ 'x.txt': '' }),
      encoding: 'utf8',
      env: { ...process.env, TS_MEMORY_PROFILER: value },
    });
    assert.is(output, 'undefined undefined true\n', value);
  }
});

test('a profiled class installs no global Reflect API; a program that loads reflect-metadata later reads the line tables through it', () => {
  const result = runAlone(`import { profile } from 'ts-memory-profiler';
class Subject {
  @profile({ stream: { write: () => true } })
  work(): number {
    return 3;
  }
}
console.log(new Subject().work(), typeof (Reflect as any).getMetadata);
require('reflect-metadata');
const table = (Reflect as any).getMetadata('ts-memory-profiler:lines', Subject.prototype, 'work');
console.log(table.name, table.entry);
`);
  assert.is(result.stderr, '');
  assert.is(result.stdout, '3 undefined\nSubject.work 3\n');
});

test('the package loads and profiles from a plain node process (no test harness)', () => {
  const output = execFileSync(process.execPath, ['-e', "const { profile } = require('ts-memory-profiler'); console.log(typeof profile)"], {
    cwd: writeProject({ 'x.txt': '' }),
    encoding: 'utf8',
  });
  assert.is(output, 'function\n');
});

test.run();
