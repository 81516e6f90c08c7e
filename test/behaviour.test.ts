/**
 * Instrumentation never changes what a program does: each fixture is compiled three ways — without
 * @profile, with @profile but no transformer, with the transformer — in both decorator modes, run,
 * and the return value (or what an async main() settles to), the thrown error or rejection and the
 * order of side effects must be identical. The instrumented run's reports must all be line by line.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as v8 from 'v8';
import { compile, compileEach, run, runSettled, writeProject, type Compiled, type RunResult } from './helpers/compile';

const HEADER = `import { profile } from 'ts-memory-profiler';
declare function log(...values: unknown[]): void;
`;

/**
 * name -> classes (methods marked @profile) and main(), which may be async: its promise is awaited.
 * TC39-only fixtures name the error TypeScript refuses them with under experimentalDecorators.
 */
interface Fixture {
  name: string;
  source: string;
  tc39Only?: 'TS1206' | 'TS1207';
}

const FIXTURES: Fixture[] = [
  {
    name: 'nested blocks, if/else with and without braces, else-if chains',
    source: `class S {
  @profile
  m(n: number): string {
    let out = '';
    { { out += 'a'; } }
    if (n > 0) out += '+'; else out += '-';
    if (n > 5) { out += 'big'; } else if (n > 2) out += 'mid'; else { out += 'small'; }
    if (n) if (n > 1) out += 'x'; else out += 'y';
    return out;
  }
}
export function main() { const s = new S(); return [s.m(0), s.m(1), s.m(3), s.m(9)]; }`,
  },
  {
    name: 'loops of every kind, per-iteration let bindings captured by closures',
    source: `class S {
  @profile
  m(): unknown {
    const fns: Array<() => number> = [];
    for (let i = 0; i < 3; i++) fns.push(() => i);
    let w = 0;
    while (w < 3) w++;
    let d = 0;
    do d += 2; while (d < 5);
    const keys: string[] = [];
    for (const k in { p: 1, q: 2 }) keys.push(k);
    let sum = 0;
    for (const [a, b] of [[1, 2], [3, 4]]) sum += a * b;
    for (;;) { if (sum > 0) break; }
    return [fns.map((f) => f()), w, d, keys, sum];
  }
}
export function main() { return new S().m(); }`,
  },
  {
    name: 'break and continue, labeled across nested loops and out of a labeled block',
    source: `class S {
  @profile
  m(): unknown {
    const seen: string[] = [];
    outer: for (let i = 0; i < 4; i++) {
      inner: for (const j of [0, 1, 2, 3]) {
        if (j === 1) continue inner;
        if (j === 3) continue outer;
        if (i === 3) break outer;
        seen.push(i + ':' + j);
      }
    }
    found: {
      for (const x of seen) if (x === '1:2') break found;
      seen.push('never');
    }
    let k = 0;
    loop: while (true) {
      k++;
      do { if (k < 3) continue loop; } while (false);
      break;
    }
    return [seen, k];
  }
}
export function main() { return new S().m(); }`,
  },
  {
    name: 'switch with fall-through, default in the middle, case expressions with side effects',
    source: `class S {
  @profile
  m(key: string): unknown {
    const out: string[] = [];
    const tag = (s: string) => { log('test ' + s); return s; };
    switch (key) {
      case tag('a'): out.push('a');
      case tag('b'): out.push('b'); break;
      default: out.push('default');
      case tag('c'): out.push('c');
    }
    return out;
  }
}
export function main() { const s = new S(); return [s.m('a'), s.m('b'), s.m('c'), s.m('z')]; }`,
  },
  {
    name: 'try/catch/finally: return in finally overrides, throw in catch, finally on break/continue',
    source: `class S {
  @profile
  overrides(): string {
    try { return 'try'; } finally { log('finally runs'); }
  }
  @profile
  finallyWins(): string {
    try { throw new Error('lost'); } finally { return 'finally'; } // eslint-disable-line no-unsafe-finally
  }
  @profile
  rethrows(): string {
    try { throw new RangeError('inner'); } catch (e) { throw new TypeError('outer ' + (e as Error).message); }
  }
  @profile
  loops(): number[] {
    const out: number[] = [];
    for (let i = 0; i < 4; i++) {
      try { if (i === 1) continue; if (i === 3) break; out.push(i); } finally { out.push(-i); }
    }
    return out;
  }
}
export function main() {
  const s = new S();
  let caught = '';
  try { s.rethrows(); } catch (e) { caught = (e as Error).constructor.name + ': ' + (e as Error).message; }
  return [s.overrides(), s.finallyWins(), caught, s.loops()];
}`,
  },
  {
    name: 'throwing a non-Error value propagates it unchanged',
    source: `class S {
  @profile
  m(): never {
    log('before');
    throw { code: 42 };
  }
}
export function main() { try { new S().m(); } catch (e) { return e; } }`,
  },
  {
    name: 'an uncaught Error propagates with its type and message',
    source: `class S {
  @profile
  m(): never {
    const xs: number[] = [];
    return (xs as any).missing.property;
  }
}
export function main() { return new S().m(); }`,
  },
  {
    name: 'this, arrows using this, super calls, arguments in the method and a nested function',
    source: `class Base { greet(x: string) { return 'hi ' + x; } }
class S extends Base {
  name = 'sub';
  @profile
  m(a: number, b?: number): unknown {
    const arrow = () => this.name;
    const args = Array.from(arguments);
    function nested(this: unknown) { return arguments.length; }
    return [super.greet(this.name), arrow(), args, arguments.length, nested(1, 2, 3), b];
  }
}
export function main() { const s = new S(); return [s.m(1), s.m(1, 2), (s.m as Function).call(s, 5, 6, 7)]; }`,
  },
  {
    name: 'static, TS-private and #private methods; parameter defaults that are arrows or call methods',
    source: `class S {
  private secret = 7;
  @profile
  static twice(x: number) { return x * 2; }
  @profile
  private hidden(f = () => this.secret, g = S.twice(3)) { return f() + g; }
  @profile
  #priv(x = 1) { return x + 100; }
  @profile
  open({ a, b: [c] }: { a: number; b: number[] } = { a: 1, b: [2] }) { return this.hidden() + this.#priv() + a + c; }
}
export function main() { return [S.twice(4), new S().open(), new S().open({ a: 10, b: [20] })]; }`,
    tc39Only: 'TS1206',
  },
  {
    name: 'hoisting, TDZ errors and inferred function names',
    source: `class S {
  @profile
  m(): unknown {
    const early = later();
    let tdz = 'not reached';
    try { tdz = (notYet as number).toString(); } catch (e) { tdz = (e as Error).constructor.name; }
    const notYet = 1;
    const f = () => 1;
    const g = function () { return 2; };
    const obj = { h: () => 3, k() { return 4; } };
    const withDefault = (p = () => 5) => p.name;
    function later() { return 'hoisted'; }
    return [early, tdz, notYet, f.name, g.name, obj.h.name, obj.k.name, withDefault()];
  }
}
export function main() { return new S().m(); }`,
  },
  {
    name: 'getters and setters with @profile',
    source: `class S {
  #v = 1;
  @profile
  get v() { log('get'); return this.#v; }
  set v(x: number) { log('set ' + x); this.#v = x; }
}
export function main() { const s = new S(); s.v = s.v + 41; return s.v; }`,
  },
  {
    name: 'a nested class with a constructor calling super, generators and async arrows inside a method',
    source: `class S {
  @profile
  m(): unknown {
    class A { constructor(public x: number) { log('A ' + x); } }
    class B extends A { y: number; constructor() { log('before super'); super(1); this.y = 2; } get sum() { return this.x + this.y; } }
    function* gen(n: number) { for (let i = 0; i < n; i++) yield i * i; }
    const later = async () => { await null; return 'async'; };
    const promise = later();
    return [new B().sum, [...gen(4)], promise instanceof Promise];
  }
}
export function main() { return new S().m(); }`,
  },
  {
    name: 'a class declared in a profiled method: code before super, parameter properties, its own profiled method; object literal super and getters',
    source: `class Outer {
  @profile
  build(n: number): unknown {
    class A { constructor(public x: number) { log('A ' + x); } }
    class B extends A {
      y = this.x * 2;
      constructor(public z: number, extra = log('default ' + z)) {
        log('before super');
        super(z + 1);
        log('after super ' + this.y);
      }
      @profile
      sum(k = this.z): number { return this.x + this.y + this.z + k; }
    }
    const o = {
      __proto__: { hello() { return 'proto hello'; } },
      hello() { return 'own ' + super.hello(); },
      get twice() { return n * 2; },
    };
    const b = new B(n);
    return [b.sum(), b.sum(1), o.hello(), o.twice];
  }
}
export function main() { const o = new Outer(); return [o.build(1), o.build(2)]; }`,
  },
  {
    name: 'recursion',
    source: `class S {
  @profile
  fib(n: number): number {
    if (n < 2) return n;
    return this.fib(n - 1) + this.fib(n - 2);
  }
}
export function main() { return new S().fib(10); }`,
  },
  {
    name: 'name and length of the decorated method, and methods are still not constructors',
    source: `class S {
  @profile
  m(a: number, b: number, ...rest: number[]) { return a + b + rest.length; }
}
export function main() {
  const s = new S();
  let constructed = 'constructed';
  try { new (s.m as any)(1, 2); } catch (e) { constructed = (e as Error).constructor.name; }
  return [s.m.name, s.m.length, constructed, s.m(1, 2, 3)];
}`,
  },
  {
    name: 'class fields with arrows, static blocks and computed and symbol method names',
    source: `const key = 'dyn' + 'amic';
const sym = Symbol('s');
class S {
  static counter = 0;
  static { S.counter = 10; }
  bound = () => this.constructor.name;
  @profile
  [key](): string { return 'computed ' + this.bound(); }
  @profile
  [sym](): number { return ++S.counter; }
}
export function main() { const s = new S(); return [(s as any).dynamic(), (s as any)[sym](), (s as any)[sym]()]; }`,
  },
  {
    name: 'method names: numeric, quoted, computed, a static symbol, a then method making instances thenable, a [Symbol.toStringTag] getter',
    source: `const sym = Symbol('tagged');
class S {
  @profile
  42(): string { return 'numeric'; }
  @profile
  'with space'(x: number): number { return x * 2; }
  @profile
  ['constructor' + 'X'](): string { return 'computed'; }
  @profile
  static [sym](): string { return 'static symbol'; }
  @profile
  then(resolve: (v: string) => void): void { log('then'); resolve('thenable'); }
  @profile
  get [Symbol.toStringTag](): string { return 'Tagged'; }
}
export async function main() {
  const s = new S() as any;
  const awaited = await s;
  return [s[42](), s['with space'](2), s.constructorX(), (S as any)[sym](), String(s), awaited, s[42].name, s['with space'].name, (S as any)[sym].name];
}`,
  },
  {
    name: 'optional chaining, nullish coalescing, spread and rest, template and tagged literals',
    source: `const tag = (parts: TemplateStringsArray, ...values: unknown[]) => parts.raw.join('|') + values.length;
class S {
  @profile
  m(input?: { a?: { b?: number[] } }, ...rest: number[]): unknown {
    const first = input?.a?.b?.[0] ?? 'none';
    const merged = [...(input?.a?.b ?? []), ...rest];
    const { length, ...others } = { length: merged.length, extra: 1, more: 2 };
    return [first, merged, length, others, \`t-\${first}-\${length}\`, tag\`a\${1}b\${2}\`];
  }
}
export function main() { const s = new S(); return [s.m(), s.m({ a: { b: [5, 6] } }, 7, 8)]; }`,
  },
  {
    name: 'nested try/finally with returns and throws across several levels',
    source: `class S {
  @profile
  m(mode: number): unknown {
    const trace: string[] = [];
    try {
      try {
        trace.push('inner');
        if (mode === 1) throw new Error('one');
        if (mode === 2) return trace.concat('early');
      } finally {
        trace.push('inner finally');
        if (mode === 3) throw new TypeError('from finally');
      }
      trace.push('after inner');
    } catch (e) {
      trace.push('caught ' + (e as Error).message);
    } finally {
      trace.push('outer finally');
    }
    return trace;
  }
}
export function main() { const s = new S(); return [0, 1, 2, 3].map((m) => s.m(m)); }`,
  },
  {
    name: 'closures capturing loop variables of while and for...of, called after the loop',
    source: `class S {
  @profile
  m(): number[] {
    const fns: Array<() => number> = [];
    let i = 0;
    while (i < 3) { const j = i; fns.push(() => j * 10); i++; }
    for (const k of [7, 8]) fns.push(() => k);
    for (let n = 0, m = 5; n < 2; n++, m--) fns.push(() => n + m);
    return fns.map((f) => f());
  }
}
export function main() { return new S().m(); }`,
  },
  {
    name: 'arguments inside an arrow is the method\'s, default parameters see earlier ones',
    source: `class S {
  @profile
  m(a: number, b = a * 2, c = () => a + b): unknown {
    const viaArrow = (() => arguments.length)();
    return [a, b, c(), viaArrow];
  }
}
export function main() { const s = new S(); return [s.m(1), s.m(1, 5), (s.m as any)(1, 2, () => 9, 4)]; }`,
  },
  {
    name: 'new.target, instanceof, in, typeof, delete and void inside a method',
    source: `class S {
  @profile
  m(): unknown {
    class Inner { seen: unknown; constructor() { this.seen = new.target === Inner; } }
    const obj: Record<string, number> = { a: 1, b: 2 };
    delete obj.a;
    return [new Inner().seen, new Inner() instanceof Inner, 'a' in obj, 'b' in obj, typeof obj, void 0, typeof undefinedName];
  }
}
declare const undefinedName: unknown;
export function main() { return new S().m(); }`,
  },
  {
    name: 'a getter used in a loop condition and a setter in its body',
    source: `class S {
  #n = 0;
  @profile
  get n() { return this.#n; }
  set n(v: number) { this.#n = v; log('set ' + v); }
  @profile
  m(): number {
    while (this.n < 3) this.n = this.n + 1;
    return this.n;
  }
}
export function main() { return new S().m(); }`,
  },
  {
    name: 'labeled block inside a switch, break out of both',
    source: `class S {
  @profile
  m(k: number): string[] {
    const out: string[] = [];
    switch (k) {
      case 1:
        inner: {
          out.push('a');
          if (k === 1) break inner;
          out.push('never');
        }
        out.push('after block');
        break;
      default:
        out.push('default');
    }
    return out;
  }
}
export function main() { const s = new S(); return [s.m(1), s.m(2)]; }`,
  },
  {
    name: 'comma expressions, assignments in conditions, and short-circuit side effects',
    source: `class S {
  @profile
  m(): unknown {
    let a = 0, b = 0, c;
    const side = (v: number) => (log('side ' + v), v);
    if ((c = side(1)) && side(0) && side(2)) a = 1;
    for (a = 0, b = 10; a < b; a += 3, b -= 3) log(a + ':' + b);
    const z = (side(3), side(4), 5);
    return [a, b, c, z, side(0) || side(6), side(7) ?? side(8)];
  }
}
export function main() { return new S().m(); }`,
  },
  {
    name: 'a method calling a profiled method of another class in a loop, both profiled',
    source: `class Helper {
  @profile
  double(x: number): number { return x * 2; }
}
class S {
  helper = new Helper();
  @profile
  m(): number {
    let total = 0;
    for (let i = 0; i < 5; i++) total += this.helper.double(i);
    return total;
  }
}
export function main() { return new S().m(); }`,
  },
  {
    name: 'the other statement kinds: empty, var hoisted out of blocks, debugger, enums, types, a nested class, do-while with continue, a declaration after return',
    source: `class S {
  @profile
  m(n: number): unknown {
    ;
    var hoisted: number | undefined;
    const before = typeof later;
    { var inBlock = n * 2; }
    debugger;
    enum Color { Red, Green = 5, Blue }
    const enum Flag { On = 1 }
    type Pair = [number, number];
    interface Shape { area(): number }
    const pair: Pair = [n, inBlock];
    class Square implements Shape { constructor(private side: number) {} area() { return this.side ** 2; } }
    hoisted = new Square(n).area();
    let i = 0;
    do { i++; if (i === 2) continue; log('do ' + i); } while (i < 4);
    const asserted = <number>(pair[0] as unknown) satisfies number;
    if (n > 100) return 'big';
    return [before, hoisted, inBlock, pair, Color.Blue, Color[5], Flag.On, i, asserted!, later()];
    function later() { return 'declared after return'; }
  }
}
export function main() { return [new S().m(3), new S().m(200)]; }`,
  },
  {
    name: 'empty bodies, a directive prologue, and a whole method on the decorator line',
    source: `class S {
  @profile
  empty(): void {}
  @profile
  strict(): string {
    'use strict';
    'another directive';
    return typeof this;
  }
  @profile oneLine(x: number) { return x + 1; }
  @profile
  onlyComments(): void {
    // nothing here
  }
}
export function main() { const s = new S(); return [s.empty(), s.strict(), s.oneLine(1), s.onlyComments(), (s.strict as Function).call(undefined)]; }`,
  },
  {
    name: 'using declarations: disposal order, in loops, on return and on throw, a dispose that throws, SuppressedError',
    source: `class Res {
  constructor(readonly name: string, readonly failOnDispose = false) { log('open ' + name); }
  [Symbol.dispose]() {
    log('dispose ' + this.name);
    if (this.failOnDispose) throw new Error('dispose ' + this.name);
  }
}
class S {
  @profile
  m(mode: number): unknown {
    using a = new Res('a');
    {
      using b = new Res('b'), c = new Res('c');
      log('inner block');
    }
    for (let i = 0; i < 2; i++) {
      using r = new Res('loop ' + i);
      if (i === 0) continue;
      log('loop body ' + i);
    }
    for (using each of [new Res('x'), new Res('y')]) log('of ' + each.name);
    using nothing = null;
    if (mode === 1) throw new RangeError('thrown with resources open');
    if (mode === 2) { using bad = new Res('bad', true); return 'not returned'; }
    if (mode === 3) { using bad = new Res('bad', true); throw new TypeError('body'); }
    return 'done ' + (nothing === null);
  }
}
export function main() {
  const s = new S();
  const out: unknown[] = [s.m(0)];
  for (const mode of [1, 2, 3]) {
    try { s.m(mode); } catch (e) {
      const err = e as Error & { error?: Error; suppressed?: Error };
      out.push([err.name, err.message, err.error?.message, err.suppressed?.message]);
    }
  }
  return out;
}`,
  },
  {
    name: 'switch: fall-through chains, grouped cases, continue and return from a switch in a loop, nested and empty switches',
    source: `class S {
  @profile
  m(xs: unknown[]): string[] {
    const out: string[] = [];
    for (const x of xs) {
      switch (typeof x) {
        case 'number':
          if (x === 0) { out.push('zero'); continue; }
        case 'bigint':
          out.push('numeric');
        case 'string':
        case 'boolean':
          out.push('primitive');
          break;
        case 'object': {
          if (x === null) { out.push('null'); break; }
          const kind = Array.isArray(x) ? 'array' : 'plain';
          switch (kind) {
            case 'array': out.push('array');
            default: out.push('object');
          }
          break;
        }
        default:
          out.push('other ' + typeof x);
          if (typeof x === 'function') return out;
      }
      switch (out.length) {}
      out.push('after');
    }
    return out;
  }
}
export function main() { const s = new S(); return [s.m([0, 1, 2n, 'a', true, null, [1], {}, undefined]), s.m([() => 1, 'never'])]; }`,
  },
  {
    name: 'labeled continue across three nested loops of different kinds, and out of an inner for(;;) to a do-while',
    source: `class S {
  @profile
  m(grid: number[][]): unknown {
    const hits: string[] = [];
    rows: for (let r = 0; r < grid.length; r++) {
      cols: for (const c of grid[r].keys()) {
        let k = 0;
        steps: while (k < 3) {
          k++;
          if (grid[r][c] === k) continue cols;
          if (grid[r][c] < 0) continue rows;
          for (const key in { a: 1, b: 2 }) {
            if (key === 'b') continue steps;
            hits.push(r + ',' + c + ',' + k + key);
          }
        }
      }
      hits.push('row end ' + r);
    }
    let n = 0;
    outer: do {
      n++;
      inner: for (;;) { if (n % 2) continue outer; break inner; }
      hits.push('even ' + n);
    } while (n < 4);
    return hits;
  }
}
export function main() { return new S().m([[1, 5], [-1, 2], [3, 0]]); }`,
  },
  {
    name: 'returning through finally: the value is taken before finally runs, finally overrides return and throw, continue in finally',
    source: `class S {
  @profile
  valueBeforeFinally(): number { let x = 1; try { return x; } finally { x = 2; log('x set to ' + x); } }
  @profile
  objectMutated(): { n: number } { const o = { n: 1 }; try { return o; } finally { o.n = 2; } }
  @profile
  finallyBeatsThrow(): string {
    try { throw new Error('lost'); } catch (e) { throw new TypeError('also lost'); } finally { return 'finally'; } // eslint-disable-line no-unsafe-finally
  }
  @profile
  finallyBeatsReturn(n: number): string {
    try { if (n) return 'try'; } finally { if (n > 1) return 'finally ' + n; } // eslint-disable-line no-unsafe-finally
    return 'end';
  }
  @profile
  continueInFinally(): unknown {
    const out: number[] = [];
    for (const i of [1, 2, 3]) {
      try { return 'from try ' + i + ' ' + out; } finally { out.push(i); if (i < 3) continue; } // eslint-disable-line no-unsafe-finally
    }
    return out;
  }
  @profile
  nested(): string { try { try { return 'inner'; } finally { log('inner finally'); } } finally { log('outer finally'); } }
}
export function main() {
  const s = new S();
  return [s.valueBeforeFinally(), s.objectMutated(), s.finallyBeatsThrow(), [0, 1, 2].map((n) => s.finallyBeatsReturn(n)), s.continueInFinally(), s.nested()];
}`,
  },
  {
    name: 'super: decorated overrides calling decorated base methods, super in arrows, super accessors, static super',
    source: `class Base {
  label = 'base';
  static kind = 'Base';
  get greeting() { return 'hello from ' + this.label; }
  set greeting(v: string) { log('base setter ' + v + ' on ' + this.label); }
  @profile
  describe(x: number): string { return 'Base.describe ' + x + ' ' + this.label; }
  @profile
  static create(): string { return 'created by ' + this.name; }
}
class Sub extends Base {
  label = 'sub';
  @profile
  describe(x: number): string {
    const viaArrow = () => super.describe(x + 1);
    return super.describe(x) + ' | ' + viaArrow() + ' | ' + super.greeting;
  }
  @profile
  assign(): unknown {
    super.greeting = 'assigned';
    const method = super.describe;
    return [method.name, method.length, method.call(this, 7), super['describe'](8)];
  }
  @profile
  static create(): string { return super.create() + ' via Sub ' + super.kind; }
}
export function main() { const s = new Sub(); return [s.describe(1), s.assign(), Sub.create(), Base.create(), new Base().describe(0)]; }`,
  },
  {
    name: 'arguments: unmapped in strict code, forwarded with apply, in nested functions and arrows, callee throws',
    source: `class S {
  @profile
  m(a: number, b = 10, ...rest: number[]): unknown {
    a = 99;
    const all = [...arguments];
    const inner = function (..._: unknown[]) { return arguments.length; };
    const viaArrow = () => arguments[0];
    const forwarded = this.sum.apply(this, arguments as unknown as number[]);
    let callee = 'no error';
    try { callee = typeof (arguments as unknown as { callee: unknown }).callee; } catch (e) { callee = (e as Error).constructor.name + ': ' + (e as Error).message; }
    return [all, arguments.length, inner(1, 2), viaArrow(), a, b, rest, forwarded, Object.prototype.toString.call(arguments), callee];
  }
  @profile
  sum(...xs: number[]): number { return xs.reduce((s, x) => s + x, 0) + arguments.length; }
}
export function main() { const s = new S(); return [s.m(1), s.m(1, 2, 3, 4), (s.m as Function).call(s)]; }`,
  },
  {
    name: 'this in arrows, nested arrows and plain functions; extracted, bound and called methods; arrows that outlive the call',
    source: `class S {
  name = 's';
  later: (() => string) | undefined;
  @profile
  m(): unknown {
    const arrow = () => this.name;
    const nestedArrow = () => () => this.name + '!';
    const plain = function (this: unknown) { return this === undefined ? 'undefined this' : 'has this'; };
    const mapped = [1, 2].map(function (this: { k: number }, x) { return x * this.k; }, { k: 3 });
    const viaArrowMap = [1, 2].map((x) => this.name + x);
    this.later = () => this.name + ' later';
    return [arrow(), nestedArrow()(), plain(), mapped, viaArrowMap, arrow.call({ name: 'other' })];
  }
}
export function main() {
  const s = new S();
  const out = s.m();
  s.name = 'renamed';
  const extracted = s.m;
  let err = '';
  try { extracted(); } catch (e) { err = (e as Error).constructor.name + ': ' + (e as Error).message; }
  const other = { name: 'bound', later: undefined };
  const bound = s.m.bind(other as unknown as S);
  return [out, s.later!(), err, bound(), (other.later as unknown as () => string)(), s.m.call(other as unknown as S)];
}`,
  },
  {
    name: 'decorated getters read in loop headers and bodies, a static getter as a loop bound',
    source: `class List {
  #items = [3, 1, 2];
  reads = 0;
  @profile
  get items(): number[] { this.reads++; return this.#items; }
  @profile
  static get limit(): number { return 2; }
  @profile
  total(): number {
    let t = 0;
    for (let i = 0; i < this.items.length; i++) t += this.items[i];
    for (const x of this.items) if (x > List.limit) t += 100;
    let j = 0;
    while (j < List.limit) j++;
    do j--; while (j > List.limit - 2);
    return t + j + this.reads;
  }
}
export function main() { const l = new List(); return [l.total(), l.reads, l.items.length, l.reads]; }`,
  },
  {
    name: 'both halves of an accessor pair decorated, static accessors, compound assignment, a setter that throws',
    source: `class T {
  static #count = 0;
  #v = 0;
  @profile
  get v(): number { log('get'); return this.#v; }
  @profile
  set v(x: number) {
    if (x < 0) throw new RangeError('negative ' + x);
    log('set ' + x);
    this.#v = x;
  }
  @profile
  static get count() { return T.#count; }
  @profile
  static set count(n: number) { T.#count = n; }
}
export function main() {
  const t = new T();
  t.v += 5;
  t.v++;
  let err = '';
  try { t.v = -1; } catch (e) { err = (e as Error).message; }
  T.count = t.v;
  const d = Object.getOwnPropertyDescriptor(T.prototype, 'v')!;
  return [t.v, err, T.count, typeof d.get, typeof d.set, d.get!.name, d.set!.name, d.get!.length, d.set!.length];
}`,
    tc39Only: 'TS1207',
  },
  {
    name: 'property descriptors, names and lengths of decorated methods and accessors, instance and static, one half of a pair decorated',
    source: `class S {
  #x = 1;
  static #y = 2;
  @profile
  get x(): number { return this.#x; }
  set x(v: number) { this.#x = v; }
  static get y(): number { return S.#y; }
  @profile
  static set y(v: number) { S.#y = v; }
  @profile
  m(a: number, b = 2): number { return a + b + this.x; }
  @profile
  static s(...rest: number[]): number { return rest.length; }
}
const shape = (o: object, key: string) => {
  const d = Object.getOwnPropertyDescriptor(o, key)!;
  const fns = [d.value, d.get, d.set].filter((f) => f !== undefined) as Function[];
  return [key, d.enumerable, d.configurable, d.writable, fns.map((f) => [f.name, f.length, 'prototype' in f])];
};
export function main() {
  const s = new S();
  s.x = 5;
  S.y = 7;
  return [shape(S.prototype, 'x'), shape(S, 'y'), shape(S.prototype, 'm'), shape(S, 's'), Object.keys(S.prototype), Object.getOwnPropertyNames(S.prototype), s.x, S.y, s.m(1), S.s(1, 2)];
}`,
  },
  {
    name: 'profiled static methods called while their class is being defined: from a static field and a static block',
    source: `class Config {
  @profile
  static parse(text: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const pair of text.split(';')) {
      const [k, v] = pair.split('=');
      out[k] = v;
    }
    return out;
  }
  static defaults = Config.parse('a=1;b=2');
  static {
    log('static block sees ' + JSON.stringify(Config.parse('c=3')));
  }
  @profile
  get(key: string): string | undefined { return Config.defaults[key]; }
}
export function main() { return [Config.defaults, new Config().get('b'), Config.parse('x=y')]; }`,
  },
  {
    name: 'static methods: this is the class called on, inherited and overridden with super, extracted without this',
    source: `class Base {
  static registry: string[] = [];
  @profile
  static register(name: string): number { this.registry.push(this.name + ':' + name); return this.registry.length; }
  @profile
  static create<T extends typeof Base>(this: T): InstanceType<T> { return new this() as InstanceType<T>; }
}
class Sub extends Base {
  @profile
  static register(name: string): number { return super.register(name.toUpperCase()) * 10; }
}
export function main() {
  const r = [Base.register('a'), Sub.register('b'), Base.create() instanceof Sub, Sub.create() instanceof Sub];
  const { register } = Base;
  let err = '';
  try { register('c'); } catch (e) { err = (e as Error).constructor.name + ': ' + (e as Error).message; }
  return [r, Base.registry, Sub.registry === Base.registry, err, Base.register.name, Sub.register.length];
}`,
  },
  {
    name: '#private methods, static #private methods and #private accessors, brand checks',
    source: `class P {
  #secret = 41;
  @profile
  #inc(by = 1): number { return (this.#secret += by); }
  @profile
  static #make(): P { return new P(); }
  @profile
  get #doubled(): number { return this.#secret * 2; }
  @profile
  run(): unknown {
    const p = P.#make();
    return [p.#inc(), p.#inc(10), p.#doubled, #inc in p, #inc in {}, this.#inc.name];
  }
  @profile
  bump(): number { return this.#inc(); }
}
export function main() {
  let err = 'no error';
  try { P.prototype.bump.call({} as P); } catch (e) { err = (e as Error).constructor.name; }
  return [new P().run(), new P().bump(), err];
}`,
    tc39Only: 'TS1206',
  },
  {
    name: 'methods of class expressions: anonymous ones made by a factory, a named one, one extended inline',
    source: `function makeCounter(step: number) {
  return class {
    n = 0;
    @profile
    next(): number { this.n += step; return this.n; }
  };
}
const Named = class Inner {
  @profile
  who(): string { return Inner.name + ' ' + (this instanceof Inner); }
  @profile
  static make() { return new Inner(); }
};
export function main() {
  const A = makeCounter(1), B = makeCounter(5);
  const a = new A(), b = new B();
  const Extended = class extends A {
    @profile
    next(): number { return super.next() * 100; }
  };
  return [a.next(), a.next(), b.next(), A === B, Named.make().who(), new Extended().next(), Named.name, Extended.name];
}`,
    tc39Only: 'TS1206',
  },
  {
    name: 'abstract classes: decorated concrete methods calling abstract ones, decorated overrides calling super',
    source: `abstract class Shape {
  abstract area(): number;
  abstract get label(): string;
  @profile
  describe(): string { return this.label + ' ' + this.area().toFixed(2); }
  @profile
  scaled(k: number): number { return this.area() * k; }
}
class Circle extends Shape {
  constructor(private r: number) { super(); }
  @profile
  area(): number { return Math.PI * this.r ** 2; }
  get label() { return 'circle'; }
  @profile
  override scaled(k: number): number { return super.scaled(k) + 1; }
}
class Square extends Shape {
  area() { return 4; }
  get label() { return 'square'; }
}
export function main() {
  const shapes: Shape[] = [new Circle(1), new Square()];
  let err = '';
  try { Shape.prototype.describe.call(Object.create(Shape.prototype)); } catch (e) { err = (e as Error).constructor.name + ': ' + (e as Error).message; }
  return [shapes.map((s) => s.describe()), shapes.map((s) => s.scaled(2)), err];
}`,
  },
  {
    name: 'overloaded methods with the decorator on the implementation, instance and static',
    source: `class O {
  parse(x: string): number;
  parse(x: number): string;
  parse(x: string[]): number[];
  @profile
  parse(x: string | number | string[]): unknown {
    if (Array.isArray(x)) return x.map((s) => this.parse(s));
    return typeof x === 'string' ? Number(x) : String(x);
  }
  static of(): O;
  static of(x: number): O;
  @profile
  static of(x?: number): O { log('of ' + x); return new O(); }
}
export function main() { const o = O.of(); O.of(1); return [o.parse('4'), o.parse(5), o.parse(['1', '2']), o.parse.length, O.of.length]; }`,
  },
  {
    name: 'classes in a namespace, extending Array and Error, under a class decorator, default-exported; generic methods',
    source: `namespace Geometry {
  export class Box {
    constructor(public w: number) {}
    @profile
    area(): number { return this.w * this.w; }
  }
}
class Stack<T> extends Array<T> {
  @profile
  peek(): T | undefined { return this[this.length - 1]; }
  @profile
  pushAll(...xs: T[]): number { for (const x of xs) this.push(x); return this.length; }
}
class AppError extends Error {
  @profile
  describe(): string { return this.name + ': ' + this.message; }
}
function sealed(...args: any[]): any {
  if (args.length === 2) { log('class decorator ' + args[1].kind); return; }
  Object.seal(args[0]);
}
@sealed
class Sealed {
  @profile
  m(): string { return 'sealed ' + Object.isSealed(Sealed); }
}
export default class Exported {
  @profile
  m<T>(x: T): T[] { return [x]; }
}
export function main() {
  const st = new Stack<number>();
  return [new Geometry.Box(3).area(), st.pushAll(1, 2, 3), st.peek(), st.map((x) => x * 2) instanceof Stack, new AppError('bad').describe(), new Sealed().m(), new Exported().m('x')];
}`,
  },
  {
    name: 'parameters: defaults with side effects, object and array destructuring, nested, holes, rest',
    source: `const side = (tag: string, v: unknown) => { log('default ' + tag); return v; };
class D {
  base = 100;
  @profile
  m(
    { a, b: { c = side('c', 3), ...restObj } = {}, ...others }: any = {},
    [first, , third = side('third', 30), [nested = side('nested', 'n')] = [], ...restArr]: any[] = [],
    last = this.base + (a ?? 0),
  ): unknown {
    return { a, c, restObj, others, first, third, nested, restArr, last, count: arguments.length };
  }
}
export function main() {
  const d = new D();
  const out: unknown[] = [
    d.m(),
    d.m({ a: 1, b: { c: 2, d: 4, e: 5 }, x: 9 }, [1, 2, undefined, [undefined], 5, 6]),
    d.m(undefined, [0, 0, 0, ['x']], 7),
    d.m(5),
  ];
  return out;
}`,
  },
  {
    name: 'parameters that throw before the body runs: destructuring null, a non-iterable, a default that throws',
    source: `class D {
  @profile
  m({ a }: { a: number }, [b]: number[] = [], c: number = D.fail(a)): unknown {
    return [a, b, c];
  }
  static fail(a: number): number { if (a < 0) throw new RangeError('negative ' + a); return a; }
  last = 0;
  // An accessor keeps a wrapper: its call too ends before the body runs.
  @profile
  set value({ a }: { a: number }) {
    this.last = a;
  }
}
export function main() {
  const d = new D();
  const out: unknown[] = [d.m({ a: 1 })];
  for (const args of [[null], [{ a: 1 }, 1], [{ a: -1 }]]) {
    try { (d.m as Function)(...args); out.push('no error'); } catch (e) { out.push((e as Error).constructor.name + ': ' + (e as Error).message); }
  }
  d.value = { a: 2 };
  try { d.value = null as any; out.push('no error'); } catch (e) { out.push((e as Error).constructor.name + ': ' + (e as Error).message); }
  out.push(d.last);
  return out;
}`,
  },
  {
    name: 'constructing profiled functions in a profiled method\'s parameter defaults',
    source: `const Point = profile(function Point(this: { x: number }, x: number) { this.x = x; });
/** @profile */
function Pair(this: { a: number }, a: number) { this.a = a; }
class S {
  @profile
  m(p = new (Point as any)(1), q = new (Pair as any)(2)): number {
    return p.x + q.a;
  }
}
export function main() { const s = new S(); return [s.m(), s.m({ x: 5 }, { a: 1 }), s.m()]; }`,
  },
  {
    name: 'mutual recursion, recursion over a tree, and an exception unwinding through profiled levels, caught midway',
    source: `interface Tree { v: number; kids: Tree[] }
class M {
  @profile
  isEven(n: number): boolean { if (n === 0) return true; return this.isOdd(n - 1); }
  @profile
  isOdd(n: number): boolean { if (n === 0) return false; return this.isEven(n - 1); }
  @profile
  depthFirst(node: Tree, depth = 0): string[] {
    const out = [depth + ':' + node.v];
    for (const kid of node.kids) out.push(...this.depthFirst(kid, depth + 1));
    return out;
  }
  @profile
  countdown(n: number, catchAt: number): string {
    if (n === 0) throw new RangeError('bottom');
    try {
      return this.countdown(n - 1, catchAt);
    } catch (e) {
      if (n !== catchAt) throw e;
      return 'caught at ' + n + ': ' + (e as Error).message;
    } finally {
      log('leaving ' + n);
    }
  }
}
export function main() {
  const m = new M();
  const tree = { v: 1, kids: [{ v: 2, kids: [{ v: 3, kids: [] }] }, { v: 4, kids: [] }] };
  let err = '';
  try { m.countdown(3, 10); } catch (e) { err = (e as Error).message; }
  return [m.isEven(10), m.isOdd(7), m.isEven(3), m.depthFirst(tree), m.countdown(5, 3), err];
}`,
  },
  {
    name: 'profiled methods calling profiled methods: chains, callbacks, an exception thrown three levels down',
    source: `class Calc {
  @profile
  a(x: number): number { return this.b(x) + this.b(x + 1); }
  @profile
  b(x: number): number {
    if (x > 3) throw new RangeError('too big ' + x);
    return this.c(x) * 2;
  }
  @profile
  c(x: number): number { return [x, x].map((v) => this.d(v)).reduce((s, v) => s + v, 0); }
  @profile
  d(x: number): number { return x + 1; }
  @profile
  safe(x: number): string {
    try { return 'ok ' + this.a(x); } catch (e) { return 'caught ' + (e as Error).message; } finally { log('safe ' + x); }
  }
}
export function main() { const c = new Calc(); return [c.safe(1), c.safe(3), c.a(0), [1, 2].map((x) => c.d(x))]; }`,
  },
  {
    name: 'closures made in a call and run after it returned, also during a later call of the same method',
    source: `class S {
  count = 0;
  @profile
  make(k: number, earlier?: () => number): () => number {
    const fromEarlier = earlier ? earlier() : -1;
    let local = k;
    const closure = () => {
      local += 1;
      this.count++;
      return local * 10 + fromEarlier;
    };
    closure();
    return closure;
  }
}
export function main() {
  const s = new S();
  const first = s.make(1);
  const second = s.make(5, first);
  return [first(), first(), second(), s.count];
}`,
  },
  {
    name: 'options on the decorator: enabled false, json format, rss backend, precision, empty call',
    source: `class S {
  @profile({ enabled: false })
  off(x: number): number { return x + 1; }
  @profile({ format: 'json', precision: 3 })
  json(xs: number[]): number { let s = 0; for (const x of xs) s += x; return s; }
  @profile({ backend: 'rss' })
  rss(): number[] { const a = [1, 2, 3]; return a.map((v) => v * this.off(v)); }
  @profile()
  called(): string { return 'called'; }
}
export function main() { const s = new S(); return [s.off(1), s.json([1, 2, 3]), s.rss(), s.called()]; }`,
  },
  {
    name: 'report callbacks that call a profiled method or throw, a stream whose write throws: results unchanged',
    source: `class Helper {
  calls = 0;
  @profile
  count(): number { return ++this.calls; }
}
const helper = new Helper();
class S {
  @profile({ onReport: () => { helper.count(); } })
  callsBack(x: number): number { return x + 1; }
  @profile({ onReport: () => { throw new Error('onReport failed'); } })
  throwsInOnReport(x: number): number { return x * 2; }
  @profile({ stream: { write() { throw new Error('write failed'); } } })
  throwsInWrite(x: number): number { return x * 3; }
  @profile({ stream: { write() { return true; } }, format: 'json' })
  quiet(): string { return 'quiet'; }
}
export function main() { const s = new S(); return [s.callsBack(1), s.throwsInOnReport(2), s.throwsInWrite(3), s.quiet(), s.callsBack(4)]; }`,
  },
  {
    name: 'other decorators stacked above and below @profile: a logging wrapper, a retry that calls the method twice',
    source: `function logged(...args: any[]): any {
  const wrap = (fn: Function, name: string) =>
    function (this: unknown, ...a: unknown[]) {
      log('enter ' + name);
      try { return fn.apply(this, a); } finally { log('exit ' + name); }
    };
  if (args.length === 2) return wrap(args[0], String(args[1].name));
  args[2].value = wrap(args[2].value, String(args[1]));
  return args[2];
}
function retried(...args: any[]): any {
  const wrap = (fn: Function) =>
    function (this: unknown, ...a: unknown[]) {
      try { return fn.apply(this, a); } catch (e) { log('retry after ' + (e as Error).message); return fn.apply(this, a); }
    };
  if (args.length === 2) return wrap(args[0]);
  args[2].value = wrap(args[2].value);
  return args[2];
}
class S {
  tries = 0;
  @logged
  @profile
  below(x: number): number { return x * 2; }
  @profile
  @logged
  above(x: number): number { return this.below(x) + 1; }
  @profile
  @retried
  flaky(): string { if (this.tries++ === 0) throw new Error('first try'); return 'ok after ' + this.tries; }
  @retried
  @profile
  flaky2(): string { if (this.tries++ % 2 === 0) throw new Error('even try'); return 'ok after ' + this.tries; }
}
export function main() { const s = new S(); return [s.below(1), s.above(2), s.flaky(), s.flaky2()]; }`,
  },
  {
    name: 'iterator protocol inside a method: a custom iterable closed by break and by a throw, a throwing sort comparator',
    source: `class Countdown {
  constructor(private from: number) {}
  [Symbol.iterator](): Iterator<number> {
    let n = this.from;
    return {
      next: () => (n > 0 ? { value: n--, done: false } : { value: undefined, done: true }),
      return: () => { log('closed at ' + n); return { value: undefined, done: true }; },
    };
  }
}
class S {
  @profile
  m(): unknown {
    const seen: number[] = [];
    for (const x of new Countdown(5)) { if (x === 3) break; seen.push(x); }
    try { for (const x of new Countdown(2)) { if (x === 1) throw new Error('in loop'); } } catch (e) { seen.push(-1); }
    const [top] = new Countdown(4);
    let sortError = '';
    try { [3, 1, 2].sort(() => { throw new TypeError('no order'); }); } catch (e) { sortError = (e as Error).message; }
    return [seen, top, [...new Countdown(3)], sortError];
  }
}
export function main() { return new S().m(); }`,
  },
  {
    name: 'unbounded recursion: the same RangeError, and the method works normally afterwards',
    source: `class S {
  @profile
  down(n: number): number { return this.down(n + 1) + 1; }
  @profile
  fine(n: number): number { return n < 1 ? 0 : this.fine(n - 1) + 1; }
}
export function main() {
  const s = new S();
  let err = '';
  try { s.down(0); } catch (e) { err = (e as Error).constructor.name + ': ' + (e as Error).message; }
  return [err, s.fine(50)];
}`,
  },
  {
    name: 'async: await in every kind of loop, for await over values and an async generator, Promise.all of async arrows',
    source: `const tick = (v: number) => new Promise<number>((resolve) => setTimeout(() => resolve(v), 0));
class A {
  @profile
  async m(n: number): Promise<unknown> {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += await tick(i);
    for (const p of [tick(10), Promise.resolve(20), 30]) sum += await p;
    let k = 0;
    while ((await tick(k)) < 3) k++;
    do { k--; } while (await Promise.resolve(k > 1));
    for await (const v of [tick(1), 2, Promise.resolve(3)]) sum += v;
    for await (const v of this.source()) { log('from source ' + v); sum += v; }
    const all = await Promise.all([1, 2, 3].map(async (x) => { await null; log('arrow ' + x); return x * 2; }));
    return [sum, k, all];
  }
  async *source() { yield 100; await null; yield 200; }
}
export function main() { return new A().m(3); }`,
  },
  {
    name: 'async: await in try, catch and finally; a rejection caught, rethrown, overridden by a return in finally',
    source: `class A {
  @profile
  async m(mode: number): Promise<string> {
    const trace: string[] = [];
    try {
      trace.push('try');
      await null;
      if (mode === 1) throw new RangeError('in try');
      if (mode === 2) await Promise.reject(new TypeError('rejected'));
      if (mode === 3) return trace.join() + ' early';
      trace.push('try end');
    } catch (e) {
      await null;
      trace.push('catch ' + (e as Error).constructor.name);
      if (mode === 2) throw new Error('rethrown ' + (e as Error).message);
    } finally {
      await new Promise((resolve) => setTimeout(resolve, 0));
      trace.push('finally');
      log(trace.join(','));
      if (mode === 4) return 'finally wins'; // eslint-disable-line no-unsafe-finally
    }
    return trace.join(',');
  }
}
export async function main() {
  const a = new A();
  const out: unknown[] = [];
  for (const mode of [0, 1, 2, 3, 4]) {
    try { out.push(await a.m(mode)); } catch (e) { out.push('rejected ' + (e as Error).message); }
  }
  return out;
}`,
  },
  {
    name: 'async: a throw before the first await is a rejection, and a rejection reaches the caller unchanged',
    source: `class A {
  @profile
  async fail(n: number): Promise<number> {
    await null;
    if (n > 0) return this.fail(n - 1);
    throw new SyntaxError('bottom reached');
  }
  @profile
  async syncThrow(): Promise<void> {
    log('before');
    (null as unknown as object).toString();
  }
}
export async function main() {
  const a = new A();
  const p = a.syncThrow();
  log('after the call: ' + (p instanceof Promise));
  await p.catch((e: Error) => log('caught ' + e.constructor.name));
  return a.fail(3);
}`,
  },
  {
    name: 'async: concurrent calls of the same method interleave as they would unprofiled (Promise.all, allSettled, race)',
    source: `class A {
  @profile
  async step(id: string, n: number): Promise<string> {
    log(id + ' start');
    for (let i = 0; i < n; i++) {
      await null;
      log(id + ' ' + i);
    }
    if (id === 'c') throw new Error('c failed');
    return id + ' done';
  }
}
export async function main() {
  const a = new A();
  const all = await Promise.all([a.step('a', 3), a.step('b', 1), a.step('a2', 2)]);
  const settled = await Promise.allSettled([a.step('c', 2), a.step('d', 1)]);
  const raced = await Promise.race([a.step('slow', 5), a.step('fast', 1)]);
  await new Promise((resolve) => setTimeout(resolve, 0));
  return [all, settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)), raced];
}`,
  },
  {
    name: 'async: profiled async methods awaiting each other, a static async method, a thenable returned',
    source: `class A {
  @profile
  async outer(): Promise<number[]> {
    const a = await this.inner(1);
    const b = await A.twice(a);
    const c = await this.thenable();
    return [a, b, c];
  }
  @profile
  async inner(x: number): Promise<number> { await null; log('inner ' + x); return x + 1; }
  @profile
  static async twice(x: number): Promise<number> { return x * 2; }
  @profile
  thenable(): PromiseLike<number> {
    return { then(resolve: (v: number) => void) { log('then called'); resolve(7); } } as PromiseLike<number>;
  }
}
export async function main() {
  const a = new A();
  const first = a.outer();
  const second = a.outer();
  log('both started');
  return [await first, await second];
}`,
  },
  {
    name: 'await using: async disposal in reverse order, mixed with using, in loops and when the body throws',
    source: `class AsyncRes {
  constructor(readonly name: string) { log('open ' + name); }
  async [Symbol.asyncDispose]() { await null; log('async dispose ' + this.name); }
}
class SyncRes {
  constructor(readonly name: string) {}
  [Symbol.dispose]() { log('dispose ' + this.name); }
}
class S {
  @profile
  async m(fail: boolean): Promise<string> {
    await using a = new AsyncRes('a');
    using s = new SyncRes('s');
    await using b = new AsyncRes('b');
    for (let i = 0; i < 2; i++) {
      await using r = new AsyncRes('loop ' + i);
      log('body ' + i);
    }
    if (fail) throw new Error('fail with resources open');
    log('end of body');
    return 'ok';
  }
}
export async function main() {
  const s = new S();
  const out: unknown[] = [await s.m(false)];
  try { await s.m(true); } catch (e) { out.push((e as Error).message); }
  return out;
}`,
  },
  {
    name: 'generator methods consumed by for...of, spread and destructuring; break out early runs finally',
    source: `class G {
  @profile
  *range(n: number): Generator<number, string, undefined> {
    try {
      for (let i = 0; i < n; i++) { log('yield ' + i); yield i; }
      return 'range done';
    } finally {
      log('range finally ' + n);
    }
  }
  @profile
  consume(): unknown {
    const seen: number[] = [];
    for (const x of this.range(5)) { if (x === 2) break; seen.push(x); }
    const spread = [...this.range(3)];
    const [a, b] = this.range(10);
    let total = 0;
    outer: for (const x of this.range(3)) for (const y of this.range(3)) { if (y > x) continue outer; total += x * y; }
    return [seen, spread, a, b, total, this.range.name, this.range.length];
  }
}
export function main() { return new G().consume(); }`,
  },
  {
    name: 'generator methods driven by hand: next(value), .return() through a finally that yields, .throw() caught inside, before start',
    source: `class G {
  @profile
  *talk(): Generator<string, string, string | undefined> {
    let received: string | undefined = 'none';
    try {
      while (received !== 'stop') {
        try {
          received = yield 'got ' + received;
        } catch (e) {
          log('caught inside ' + (e as Error).message);
          received = 'recovered';
        }
      }
      return 'stopped';
    } finally {
      log('talk finally');
      yield 'yield in finally';
    }
  }
  @profile
  drive(): unknown {
    const it = this.talk();
    const steps = [it.next(), it.next('a'), it.throw(new Error('boom')), it.next('b'), it.return('early'), it.next(), it.next()];
    const it2 = this.talk();
    const notStarted = [it2.return('before start'), it2.next()];
    const it3 = this.talk();
    const stopped = [it3.next(), it3.next('stop'), it3.next(), it3.next()];
    let thrown = '';
    try { this.talk().throw(new TypeError('thrown before start')); } catch (e) { thrown = (e as Error).constructor.name + ': ' + (e as Error).message; }
    return [steps, notStarted, stopped, thrown];
  }
}
export function main() { return new G().drive(); }`,
  },
  {
    name: 'generator methods: one that throws, yield* to generators, arrays and strings, recursive yield*, static generators',
    source: `interface Tree { v: number; kids: Tree[] }
class G {
  @profile
  *walk(t: Tree): Generator<number, number> {
    yield t.v;
    let count = 1;
    for (const kid of t.kids) count += yield* this.walk(kid);
    return count;
  }
  @profile
  *mixed(): Generator<unknown, void> {
    yield* [1, 2];
    yield* 'ab';
    const r = yield* this.walk({ v: 9, kids: [] });
    yield 'walk returned ' + r;
    yield* G.numbers(arguments.length);
  }
  @profile
  static *numbers(n: number): Generator<number> { for (let i = 0; i <= n; i++) yield i * 10; }
  @profile
  *failing(n: number): Generator<number> {
    for (let i = 0; i < n; i++) yield i;
    throw new RangeError('failed after ' + n);
  }
  @profile
  run(): unknown {
    const tree = { v: 1, kids: [{ v: 2, kids: [{ v: 3, kids: [] }] }, { v: 4, kids: [] }] };
    const it = this.walk(tree);
    const walked: number[] = [];
    let r = it.next();
    while (!r.done) { walked.push(r.value); r = it.next(); }
    const got: number[] = [];
    let err = '';
    try { for (const x of this.failing(2)) got.push(x); } catch (e) { err = (e as Error).constructor.name + ': ' + (e as Error).message; }
    let delegated = '';
    try { [...(function* (g: Generator<number>) { yield* g; })(this.failing(1))]; } catch (e) { delegated = (e as Error).message; }
    return [walked, r.value, [...this.mixed()], got, err, delegated];
  }
}
export function main() { return new G().run(); }`,
  },
  {
    name: 'generator methods: unfinished generators abandoned, two of the same method interleaved, profiled calls in between',
    source: `class G {
  @profile
  *counter(name: string): Generator<string> {
    try {
      for (let i = 0; ; i++) yield name + i;
    } finally {
      log('finally ' + name);
    }
  }
  @profile
  run(): unknown {
    const a = this.counter('a'), b = this.counter('b');
    const interleaved = [a.next().value, b.next().value, this.plain(1), a.next().value, b.next().value];
    b.return(undefined);
    this.abandon();
    const c = this.counter('c');
    return [interleaved, c.next().value, this.plain(2), a.next().value];
  }
  @profile
  abandon(): void {
    const g = this.counter('abandoned');
    g.next();
    g.next();
    log('abandoned at ' + g.next().value);
  }
  @profile
  plain(x: number): number { return x * 2; }
}
export function main() {
  const g = new G();
  const first = g.run();
  const d = g.counter('d');
  return [first, d.next().value, d.next().value, g.plain(3)];
}`,
  },
  {
    name: 'async generator methods: for await with break, .return(), .throw(), one that throws, yield* and concurrent next()',
    source: `class AG {
  @profile
  async *ticks(n: number): AsyncGenerator<number, string> {
    try {
      for (let i = 0; i < n; i++) { await null; log('tick ' + i); yield i; }
      return 'ticks done';
    } finally {
      await null;
      log('ticks finally');
    }
  }
  @profile
  async *failing(): AsyncGenerator<number> {
    yield 1;
    await null;
    throw new TypeError('async generator failed');
  }
  @profile
  async *relay(): AsyncGenerator<number, void, number | undefined> {
    const got = yield* this.ticks(2);
    log('relay got ' + got);
    let x = yield 10;
    while (x !== undefined) x = yield x * 2;
  }
  @profile
  async consume(): Promise<unknown> {
    const out: unknown[] = [];
    for await (const t of this.ticks(5)) { if (t === 2) break; out.push(t); }
    const it = this.ticks(3);
    out.push(await it.next(), await it.return('stopped'), await it.next());
    const it2 = this.ticks(3);
    await it2.next();
    try { await it2.throw(new RangeError('thrown in')); } catch (e) { out.push('throw: ' + (e as Error).message); }
    try { for await (const v of this.failing()) out.push(v); } catch (e) { out.push((e as Error).constructor.name + ' ' + (e as Error).message); }
    const r = this.relay();
    out.push(await r.next(), await r.next(), await r.next(), await r.next(5), await r.next(6), await r.next());
    const concurrent = this.ticks(3);
    out.push(await Promise.all([concurrent.next(), concurrent.next(), concurrent.next(), concurrent.next()]));
    const abandoned = this.ticks(10);
    out.push(await abandoned.next());
    return out;
  }
}
export function main() { return new AG().consume(); }`,
  },
  {
    name: 'iterable classes: decorated [Symbol.iterator] and [Symbol.asyncIterator] generator methods, a static generator of pairs',
    source: `class Bag<T> {
  constructor(private items: T[]) {}
  @profile
  *[Symbol.iterator](): Iterator<T> { for (const item of this.items) yield item; }
  @profile
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (const item of this.items) { await null; yield item; }
  }
  @profile
  static *pairs<T, U>(a: Iterable<T>, b: Iterable<U>): Generator<[T, U]> {
    const ib = b[Symbol.iterator]();
    for (const x of a) {
      const y = ib.next();
      if (y.done) return;
      yield [x, y.value];
    }
  }
  @profile
  async total(this: Bag<number>): Promise<number> {
    let t = 0;
    for await (const x of this) t += x;
    for (const x of this) t += x * 10;
    return t;
  }
}
export async function main() {
  const bag = new Bag([1, 2, 3]);
  return [[...bag], Array.from(bag, (x) => x * 2), [...Bag.pairs(bag, 'ab')], await bag.total(), new Map(Bag.pairs(['k'], ['v']))];
}`,
  },
  {
    name: '#private generator, async and async generator methods, instance and static',
    source: `class P {
  #log: string[] = [];
  @profile
  *#steps(n: number): Generator<number> {
    for (let i = 0; i < n; i++) { this.#log.push('step ' + i); yield i; }
  }
  @profile
  async #fetch(x: number): Promise<number> { await null; return x * 10; }
  @profile
  static async *#ticks(): AsyncGenerator<string> { yield 'a'; await null; yield 'b'; }
  @profile
  async run(): Promise<unknown> {
    const steps = [...this.#steps(3)];
    const fetched = await Promise.all(steps.map((s) => this.#fetch(s)));
    const ticks: string[] = [];
    for await (const t of P.#ticks()) ticks.push(t);
    return [steps, fetched, ticks, this.#log];
  }
}
export function main() { return new P().run(); }`,
    tc39Only: 'TS1206',
  },
];

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
      assert.ok(diagnostics.some((d) => d.includes(`error ${refusal}:`)), diagnostics.join('\n'));
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
    const output = execFileSync(process.execPath, [main], { encoding: 'utf8', env: { ...process.env, TS_MEMORY_PROFILER: 'off' }, maxBuffer: 64 * 2 ** 20 });
    const off = v8.deserialize(Buffer.from(output.trim().split('\n').pop()!, 'base64')) as unknown[];
    for (const [i, fixture] of fixtures.entries()) {
      assert.equal(off[i], cloned(outcome(await runSettled(built(fixture, legacy, 'undecorated')))), fixture.name);
    }
  });
}

test('recursion writes one report per call', () => {
  assert.is(run(built(FIXTURES.find((f) => f.name === 'recursion')!, false, 'instrumented')).reports.length, 177);
});

test('a profiled function constructed in a parameter default leaves the method its frame: three reports of S.m', () => {
  const fixture = FIXTURES.find((f) => f.name.startsWith('constructing profiled functions'))!;
  const { reports } = run(built(fixture, false, 'instrumented'));
  assert.equal(reports.map((r) => r.name), ['S.m', 'S.m', 'S.m']);
  // The body's two lines ran in each call.
  for (const report of reports) assert.equal(report.lines.filter((l) => l.occurrences > 0).length, 2);
});

test.run();
