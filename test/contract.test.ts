/**
 * The contract between emitted code and the runtime (runtime/emitted-names.ts): every runtime hook
 * and frame method the transformer emits, compiled through the real transformer from code that
 * needs each of them, is one the contract names, and every name in it is there at run time.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'path';
import * as runtime from 'ts-memory-profiler';
import { compile } from './helpers/compile';

// A method, a function written inside it (save/restore), an async generator (yielding), profile()
// around a function, and a JSDoc-tagged function declaration.
const SOURCE = `import { profile } from 'ts-memory-profiler';
class Shapes {
  @profile
  squares(xs: number[]): number[] {
    return xs.map((x) => x * x);
  }
  @profile
  async *pages(n: number): AsyncGenerator<number> {
    for (let i = 0; i < n; i++) yield i;
  }
}
const double = profile(function double(x: number) {
  return 2 * x;
});
/** @profile */
export function triple(x: number) {
  return 3 * x;
}
export { Shapes, double };
`;

// The built runtime's modules, beside the package's entry point (dist/runtime).
const built = (name: string) => require(path.join(path.dirname(require.resolve('ts-memory-profiler')), name));
const { HOOKS, FRAME_METHODS } = built('emitted-names.js') as { HOOKS: Record<string, string>; FRAME_METHODS: Record<string, string> };

test('every hook and frame method the transformer emits is named by the contract, and exists at run time', () => {
  const { js } = compile(SOURCE);
  const hooks = new Set([...js.matchAll(/__mp(?:_\d+)?\.(\w+)\(/g)].map((m) => m[1]));
  const methods = new Set([...js.matchAll(/__mpFrame(?:_\d+)?\.(\w+)\(/g)].map((m) => m[1]));
  // This source needs every hook: the contract is what is emitted, no more, no less.
  assert.equal([...hooks].sort(), Object.values(HOOKS).sort());
  assert.equal([...methods].sort(), Object.values(FRAME_METHODS).sort());
  const exported = runtime as unknown as Record<string, unknown>;
  for (const name of Object.values(HOOKS)) assert.type(exported[name], 'function', name);
  const { Frame } = built('frame.js') as { Frame: { prototype: Record<string, unknown> } };
  for (const name of Object.values(FRAME_METHODS)) assert.type(Frame.prototype[name], 'function', name);
});

test.run();
