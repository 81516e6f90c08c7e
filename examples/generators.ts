// The seed's second example: summing squares through a generator and through a temporary array.
// Usage: node examples/out/generators.js [limit] [--gc] [--peak]
//   (the demo runs it with 10000 and 100000, with --peak: the Peak column, which answers the seed's
//   question, and with --gc: the Allocated and GC freed columns)
import { configure, profile } from 'ts-memory-profiler';

if (process.argv.includes('--gc')) configure({ gc: true });
if (process.argv.includes('--peak')) configure({ peak: true });

/** Python's sum(): adds up any iterable without keeping it. */
function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

class Demo {
  @profile({ precision: 4 })
  myTestFunction(limit: number): number {
    const THE_LIMIT = limit;
    const PP = sum(function* () { for (let x = 0; x < THE_LIMIT; x++) yield x * x; }());
    const a = 1;
    const NN = sum(Array.from({ length: THE_LIMIT }, (_, x) => x * x));
    const b = 1;
    return PP - NN + a - b;
  }
}

new Demo().myTestFunction(Number(process.argv[2] ?? 10000));
