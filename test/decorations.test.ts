/**
 * What other decorators do to a method survives `@profile`: the metadata and properties they put on
 * the function (NestJS keeps routes and guards as reflect-metadata on it), a WeakMap keyed by it, a
 * getter MobX captured, a generator another decorator wrapped, and all of it again when the class is
 * evaluated a second time. Each fixture is compiled through the real transformer (and without it).
 */
import 'reflect-metadata';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, run, type RunResult } from './helpers/compile';

const MODES = [
  { legacy: false, label: 'TC39' },
  { legacy: true, label: 'experimentalDecorators' },
];

function runFixture(source: string, options: { legacy: boolean; transform?: boolean }): RunResult {
  const compiled = compile(source, options);
  assert.equal(compiled.diagnostics, [], compiled.js);
  const result = run(compiled);
  if (result.threw) throw result.error;
  return result;
}

/** A decorator as NestJS's `@Get(path)` / `@UseGuards(...)` are: metadata and a property on the function, in both modes. */
const ROUTE = `
const seen = new WeakMap<Function, string>();
function route(path: string): any {
  return function (...args: any[]): any {
    const fn = args.length === 3 ? (args[2].value ?? args[2].get) : args[0];
    Reflect.defineMetadata('route', path, fn);
    fn.guard = 'key:' + path;
    seen.set(fn, path);
  };
}
function look(cls: Function, key: string, statics = false): unknown[] {
  const d = Object.getOwnPropertyDescriptor(statics ? cls : cls.prototype, key)!;
  const fn = d.value ?? d.get;
  return [Reflect.getMetadata('route', fn), fn.guard, seen.get(fn)];
}
`;

for (const { legacy, label } of MODES) {
  for (const transform of [true, false]) {
    test(`${label}, ${transform ? 'instrumented' : 'no transformer'}: metadata and own properties that decorators below @profile put on the function are on what the class ends up with`, () => {
      const result = runFixture(
        `import 'reflect-metadata';
import { profile } from 'ts-memory-profiler';
${ROUTE}
class Api {
  @profile
  @route('/a')
  a() {
    const list = [1, 2];
    return list.length;
  }
  @profile
  @route('/s')
  static s() {
    return 3;
  }
  @profile
  @route('/g')
  *g() {
    yield 1;
  }
  @profile
  @route('/x')
  get x() {
    return 4;
  }
}
export function main() {
  const api = new Api();
  return { calls: [api.a(), Api.s(), [...api.g()], api.x], a: look(Api, 'a'), s: look(Api, 's', true), g: look(Api, 'g'), x: look(Api, 'x') };
}
`,
        { legacy, transform },
      );
      const value = result.value as Record<string, unknown[]>;
      assert.equal(value.calls, [2, 3, [1], 4]);
      // A wrapper cannot be the WeakMap's key; only functions left in place keep their entry.
      const kept = (path: string, unwrapped: boolean) => [path, `key:${path}`, unwrapped ? path : undefined];
      assert.equal(value.a, kept('/a', transform));
      assert.equal(value.s, kept('/s', transform));
      assert.equal(value.g, kept('/g', false));
      assert.equal(value.x, kept('/x', transform));
      assert.is(result.reports.length, transform ? 4 : 3); // a generator built without the transformer writes none
      if (transform) for (const report of result.reports) assert.ok(report.lines.filter((l) => l.occurrences > 0).length > 1, report.name);
    });

    test(`${label}, ${transform ? 'instrumented' : 'no transformer'}: a class made twice by a factory keeps each evaluation's decorations and reports line by line`, () => {
      const result = runFixture(
        `import 'reflect-metadata';
import { profile } from 'ts-memory-profiler';
${ROUTE}
function controller(prefix: string) {
  class Controller {
    @profile
    @route(prefix)
    handle(n: number) {
      const list = new Array(n).fill(prefix);
      return list.length;
    }
  }
  return Controller;
}
export function main() {
  const A = controller('/a');
  const B = controller('/b');
  return { calls: [new A().handle(2), new B().handle(3), new A().handle(1)], a: look(A, 'handle'), b: look(B, 'handle') };
}
`,
        { legacy, transform },
      );
      const value = result.value as Record<string, unknown[]>;
      assert.equal(value.calls, [2, 3, 1]);
      assert.equal(value.a, ['/a', 'key:/a', transform ? '/a' : undefined]);
      assert.equal(value.b, ['/b', 'key:/b', transform ? '/b' : undefined]);
      assert.is(result.reports.length, 3);
      if (transform) {
        for (const report of result.reports) {
          assert.is(report.name, 'Controller.handle');
          assert.ok(report.lines.filter((l) => l.occurrences > 0).length === 3, JSON.stringify(report.lines));
        }
      }
    });
  }

  test(`${label}: a class evaluated again with other @profile options is still profiled line by line, each with its own options, decorations kept`, () => {
    const result = runFixture(
      `import 'reflect-metadata';
import { profile } from 'ts-memory-profiler';
${ROUTE}
function make(precision: number) {
  class Made {
    @profile({ precision })
    @route('/p' + precision)
    work() {
      const list = [1, 2, 3];
      return list.length;
    }
  }
  return Made;
}
export function main() {
  const A = make(1);
  const B = make(3);
  return { calls: [new A().work(), new B().work()], b: look(B, 'work') };
}
`,
      { legacy },
    );
    const value = result.value as Record<string, unknown[]>;
    assert.equal(value.calls, [3, 3]);
    assert.equal(value.b.slice(0, 2), ['/p3', 'key:/p3']);
    assert.equal(
      result.reports.map((r) => r.precision),
      [1, 3],
    );
    for (const report of result.reports) assert.is(report.lines.filter((l) => l.occurrences > 0).length, 3);
  });
}

test('TC39: a mixin (a class expression evaluated per base) keeps a WeakMap entry keyed by its method, and reports line by line', () => {
  const result = runFixture(
    `import { profile } from 'ts-memory-profiler';
const registered = new WeakMap<Function, string>();
function register(name: string) {
  return (fn: Function, _context: ClassMethodDecoratorContext) => {
    registered.set(fn, name);
  };
}
const Timestamped = <B extends new (...args: any[]) => object>(Base: B) =>
  class extends Base {
    @profile
    @register('stamp')
    stamp() {
      const at = [Date.now()];
      return at.length;
    }
  };
class One {}
class Two {}
export function main() {
  const A = Timestamped(One);
  const B = Timestamped(Two);
  return [new A().stamp(), new B().stamp(), registered.get(A.prototype.stamp), registered.get(B.prototype.stamp)];
}
`,
    { legacy: false },
  );
  assert.equal(result.value, [1, 1, 'stamp', 'stamp']);
  assert.is(result.reports.length, 2);
  for (const report of result.reports) assert.is(report.lines.filter((l) => l.occurrences > 0).length, 3);
});

for (const { legacy, label } of MODES) {
  test(`${label}: MobX @computed below @profile: every computation MobX runs writes a report`, () => {
    const observable = legacy ? '@observable n = 1;' : '@observable accessor n = 1;';
    const result = runFixture(
      `import { profile } from 'ts-memory-profiler';
import { autorun, computed, makeObservable, observable, runInAction } from 'mobx';
class Store {
  ${observable}
  constructor() {
    makeObservable(this);
  }
  @profile
  @computed
  get double() {
    const list = [this.n];
    return list[0] * 2;
  }
}
export function main() {
  const store = new Store();
  const seen: number[] = [];
  const stop = autorun(() => {
    seen.push(store.double);
  });
  runInAction(() => {
    store.n = 2;
  });
  runInAction(() => {
    store.n = 3;
  });
  stop();
  return seen;
}
`,
      { legacy },
    );
    assert.equal(result.value, [2, 4, 6]);
    assert.is(result.reports.length, 3);
    for (const report of result.reports) {
      assert.is(report.name, 'Store.get double');
      assert.is(report.lines.filter((l) => l.occurrences > 0).length, 3);
    }
  });
}

for (const { legacy, label } of MODES) {
  test(`${label}: a generator method another decorator wrapped (@profile @passthrough *gen): the consumer's allocations between steps are no line's`, () => {
    const result = runFixture(
      `import { profile, configure } from 'ts-memory-profiler';
function passthrough(...args: any[]): any {
  if (args.length === 3) {
    const original = args[2].value;
    args[2].value = function (this: unknown, ...rest: unknown[]) {
      return original.apply(this, rest);
    };
    return args[2];
  }
  const original = args[0];
  return function (this: unknown, ...rest: unknown[]) {
    return original.apply(this, rest);
  };
}
class Source {
  @profile({ backend: 'exact' })
  @passthrough
  *chunks(n: number) {
    for (let i = 0; i < n; i++) {
      const chunk = new Array(2 ** 12).fill(i);
      yield chunk.length;
    }
    return 'done';
  }
}
const keep: unknown[] = [];
export function main() {
  let total = 0;
  for (const length of new Source().chunks(3)) {
    total += length;
    keep.push(new Array(2 ** 20).fill(0));
  }
  keep.length = 0;
  return total;
}
`,
      { legacy },
    );
    assert.is(result.value, 3 * 2 ** 12);
    assert.is(result.reports.length, 1);
    const report = result.reports[0];
    const yieldLine = report.lines.find((l) => l.source.includes('yield chunk.length'))!;
    assert.is(yieldLine.occurrences, 3);
    // The consumer kept 3 x 8 MiB between the steps; the generator's own lines allocate ~32 KiB each.
    for (const line of report.lines) {
      if (line.incrementBytes !== null && line.line !== report.lines[0].line)
        assert.ok(line.incrementBytes < 2 ** 20, `${line.source}: ${line.incrementBytes}`);
    }
  });
}

test.run();
