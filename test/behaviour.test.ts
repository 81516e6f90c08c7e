/**
 * Instrumentation never changes what a program does: each fixture is compiled three ways — without
 * @profile, with @profile but no transformer, with the transformer — in both decorator modes, run,
 * and the return value, the thrown error and the order of side effects must be identical.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, run, type RunResult } from './helpers/compile';

const HEADER = `import { profile } from 'ts-memory-profiler';
declare function log(...values: unknown[]): void;
`;

/** name -> class body (methods marked @profile) and the body of main(); TC39-only fixtures say so. */
const FIXTURES: Array<{ name: string; source: string; tc39Only?: boolean }> = [
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
    tc39Only: true,
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
];

function outcome(result: RunResult) {
  const error = result.threw
    ? result.error instanceof Error
      ? { type: result.error.constructor.name, message: result.error.message }
      : { thrown: result.error }
    : undefined;
  return { value: result.value, error, log: result.log };
}

for (const fixture of FIXTURES) {
  for (const legacy of [false, true]) {
    if (legacy && fixture.tc39Only) continue;
    test(`${legacy ? 'legacy' : 'TC39'}: ${fixture.name}`, () => {
      const source = HEADER + fixture.source + '\n';
      const undecorated = HEADER + fixture.source.replace(/@profile\n\s*/g, '') + '\n';
      const baseline = outcome(run(compile(undecorated, { legacy })));
      const plain = outcome(run(compile(source, { legacy, transform: false })));
      const instrumented = run(compile(source, { legacy }));
      assert.equal(plain, baseline, 'decorated without the transformer');
      assert.equal(outcome(instrumented), baseline, 'instrumented');
      assert.ok(instrumented.reports.length > 0, 'the instrumented run wrote reports');
    });
  }
}

test('recursion writes one report per call', () => {
  const source = HEADER + FIXTURES.find((f) => f.name === 'recursion')!.source;
  assert.is(run(compile(source)).reports.length, 177);
});

test.run();
