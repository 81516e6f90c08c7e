/**
 * A seeded, reproducible generator of random methods — nested loops, branches, labels, try/finally,
 * closures, switch, early returns and throws, and generator methods with yields among them — each run
 * undecorated and instrumented: the values, errors and side effects must be the same. Change SEED to
 * explore; a failure names its seed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, run } from './helpers/compile';
import { random } from './helpers/random';

const SEED = 20261124;
const FILES = 4;
const METHODS_PER_FILE = 50;
const GENERATOR_FILES = 2;

class Generator {
  private next = 0;
  /** Making a generator method: `yield` is one more simple statement. */
  private yields = false;
  constructor(private readonly rnd: () => number) {}
  private int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  private pick<T>(items: T[]): T {
    return items[this.int(items.length)];
  }
  private id(prefix: string): string {
    return `${prefix}${this.next++}`;
  }
  private cond(): string {
    return this.pick([`x % ${2 + this.int(4)} === ${this.int(2)}`, `x > ${this.int(40)}`, `(x & ${1 + this.int(7)}) !== 0`]);
  }

  /** A block of statements; `loops` are the labels (or '' for unlabeled) of the enclosing loops. */
  block(depth: number, loops: string[], indent: string): string {
    const count = 1 + this.int(depth > 2 ? 2 : 4);
    const lines: string[] = [];
    for (let i = 0; i < count; i++) lines.push(this.statement(depth, loops, indent));
    return lines.join('\n');
  }

  private statement(depth: number, loops: string[], indent: string): string {
    const inner = indent + '  ';
    const simple = [
      () => `${indent}log(x);`,
      () => `${indent}x = x + ${1 + this.int(9)};`,
      () => `${indent}x = (x * ${2 + this.int(3)}) % 97;`,
      () => `${indent}if (x > ${50 + this.int(40)}) return x;`,
      () => `${indent}if (x === ${this.int(60)}) throw new RangeError('t' + x);`,
      ...(this.yields ? [() => `${indent}yield x;`, () => `${indent}x = (x + Number((yield x * 2) ?? 0)) % 97;`] : []),
    ];
    const loopExits = loops.length
      ? [
          () => `${indent}if (${this.cond()}) continue${loops[loops.length - 1] ? ' ' + loops[loops.length - 1] : ''};`,
          () => `${indent}if (${this.cond()}) break${loops[0] ? ' ' + loops[0] : ''};`,
        ]
      : [];
    if (depth >= 4) return this.pick([...simple, ...loopExits])();
    const nested = [
      () =>
        `${indent}if (${this.cond()}) {\n${this.block(depth + 1, loops, inner)}\n${indent}} else {\n${this.block(depth + 1, loops, inner)}\n${indent}}`,
      () => `${indent}if (${this.cond()}) ${this.pick(simple)().trim()}`,
      () => {
        const i = this.id('i');
        const label = this.rnd() < 0.3 ? this.id('L') : '';
        return `${indent}${label ? label + ': ' : ''}for (let ${i} = 0; ${i} < ${1 + this.int(4)}; ${i}++) {\n${inner}x = x + ${i};\n${this.block(depth + 1, [...loops, label], inner)}\n${indent}}`;
      },
      () => {
        const w = this.id('w');
        return `${indent}let ${w} = 0;\n${indent}while (${w} < ${1 + this.int(4)}) {\n${inner}${w}++;\n${this.block(depth + 1, [...loops, ''], inner)}\n${indent}}`;
      },
      () => {
        const v = this.id('v');
        const label = this.rnd() < 0.3 ? this.id('L') : '';
        return `${indent}${label ? label + ': ' : ''}for (const ${v} of [${this.int(9)}, ${this.int(9)}, ${this.int(9)}]) {\n${inner}x = x + ${v};\n${this.block(depth + 1, [...loops, label], inner)}\n${indent}}`;
      },
      () => {
        const d = this.id('d');
        return `${indent}let ${d} = 0;\n${indent}do {\n${inner}${d}++;\n${this.block(depth + 1, [...loops, ''], inner)}\n${indent}} while (${d} < ${1 + this.int(3)});`;
      },
      () =>
        `${indent}try {\n${this.block(depth + 1, loops, inner)}\n${indent}} catch (e) {\n${inner}log('caught ' + (e as Error).message);\n${indent}} finally {\n${inner}log('finally ' + x);\n${indent}}`,
      () =>
        `${indent}switch (x % 4) {\n${inner}case 0:\n${inner}  x++;\n${inner}case 1:\n${inner}  log('one');\n${inner}  break;\n${inner}default:\n${this.block(depth + 1, [], inner + '  ')}\n${indent}}`,
      () => {
        const f = this.id('f');
        return `${indent}const ${f} = (y: number): number => {\n${inner}log('in ${f} ' + y);\n${inner}return y + ${1 + this.int(5)};\n${indent}};\n${indent}x = ${f}(x) % 97;`;
      },
      () => `${indent}x = [x, x + 1, x + 2].map((y) => y * 2).filter((y) => y % 3 !== 0).reduce((a, b) => a + b, 0) % 97;`,
      () => {
        const g = this.id('g');
        return `${indent}x = x + ${g}(x);\n${indent}function ${g}(y: number): number {\n${inner}if (y > 30) return 1;\n${inner}return 2;\n${indent}}`;
      },
    ];
    return this.pick([...simple, ...simple, ...loopExits, ...nested, ...nested])();
  }

  method(name: string): string {
    return `  @profile\n  ${name}(seed: number): number {\n    let x = seed;\n${this.block(0, [], '    ')}\n    return x;\n  }`;
  }

  /** A generator method: the same statements, and `yield`s among them. */
  generatorMethod(name: string): string {
    this.yields = true;
    try {
      return `  @profile\n  *${name}(seed: number) {\n    let x = seed;\n    yield x;\n${this.block(0, [], '    ')}\n    return x;\n  }`;
    } finally {
      this.yields = false;
    }
  }
}

function program(file: number): string {
  const generator = new Generator(random(SEED + file));
  const names = Array.from({ length: METHODS_PER_FILE }, (_, i) => `m${i}`);
  return `import { profile } from 'ts-memory-profiler';
declare function log(...values: unknown[]): void;
class Fuzz {
${names.map((n) => generator.method(n)).join('\n\n')}
}
export function main() {
  const fuzz = new Fuzz();
  const results: unknown[] = [];
  for (const name of ${JSON.stringify(names)}) {
    for (const seed of [0, 7, 42]) {
      try {
        results.push(name + ':' + (fuzz as any)[name](seed));
      } catch (e) {
        results.push(name + ' threw ' + (e as Error).constructor.name + ' ' + (e as Error).message);
      }
    }
  }
  return results;
}
`;
}

/**
 * Random generator methods, each driven four ways: to the end, a `break` after two values, `return()`
 * after two, `throw()` into it after two (values sent back with `next(k)`).
 */
function generatorProgram(file: number): string {
  const generator = new Generator(random(SEED + 1000 + file));
  const names = Array.from({ length: METHODS_PER_FILE }, (_, i) => `g${i}`);
  return `import { profile } from 'ts-memory-profiler';
declare function log(...values: unknown[]): void;
class Fuzz {
${names.map((n) => generator.generatorMethod(n)).join('\n\n')}
}
function drive(it: Generator<number, number, unknown>, how: number): unknown[] {
  const out: unknown[] = [];
  try {
    if (how === 0) for (const v of it) out.push(v);
    else if (how === 1) for (const v of it) { out.push(v); if (out.length === 2) break; }
    else {
      let k = 0;
      let r = it.next();
      while (!r.done) {
        out.push(r.value);
        k++;
        r = k !== 2 ? it.next(k) : how === 2 ? it.return(-1) : it.throw(new TypeError('sent in'));
      }
      out.push('returned ' + r.value);
    }
  } catch (e) {
    out.push('threw ' + (e as Error).constructor.name + ' ' + (e as Error).message);
  }
  return out;
}
export function main() {
  const fuzz = new Fuzz();
  const results: unknown[] = [];
  for (const name of ${JSON.stringify(names)}) {
    for (const how of [0, 1, 2, 3]) results.push([name, how, drive((fuzz as any)[name](how * 7), how)]);
  }
  return results;
}
`;
}

for (let file = 0; file < GENERATOR_FILES; file++) {
  for (const legacy of [false, true]) {
    test(`${legacy ? 'legacy' : 'TC39'}, seed ${SEED + 1000 + file}: ${METHODS_PER_FILE} random generator methods x 4 ways of driving them behave the same instrumented`, () => {
      const source = generatorProgram(file);
      const baseline = run(compile(source.replace(/@profile\n {2}/g, ''), { legacy }));
      const instrumented = run(compile(source, { legacy }));
      assert.is(baseline.threw, false, String(baseline.error));
      assert.equal(instrumented.value, baseline.value);
      assert.equal(instrumented.log, baseline.log);
      // Every generator was started, and each ended (returned, threw or was closed): one report each.
      assert.is(instrumented.reports.length, METHODS_PER_FILE * 4);
    });
  }
}

for (let file = 0; file < FILES; file++) {
  for (const legacy of [false, true]) {
    test(`${legacy ? 'legacy' : 'TC39'}, seed ${SEED + file}: ${METHODS_PER_FILE} random methods x 3 inputs behave the same instrumented`, () => {
      const source = program(file);
      const baseline = run(compile(source.replace(/@profile\n {2}/g, ''), { legacy }));
      const instrumented = run(compile(source, { legacy }));
      assert.is(baseline.threw, false, String(baseline.error));
      assert.equal(instrumented.value, baseline.value);
      assert.equal(instrumented.log, baseline.log);
      assert.is(instrumented.reports.length, METHODS_PER_FILE * 3);
    });
  }
}

test.run();
