// The seed's first example as a class method: a small array kept, a big one made and dropped.
// Usage: node examples/out/basic.js [heap|rss|exact]   (the reading to use; the demo shows heap and exact)
import { configure, profile } from 'ts-memory-profiler';

const backend = process.argv[2];
if (backend === 'heap' || backend === 'rss' || backend === 'exact') configure({ backend });

class Demo {
  @profile
  myFunc(): number[] {
    const a = new Array(10 ** 6).fill(1);
    let b: number[] | null = new Array(2 * 10 ** 7).fill(2);
    b = null;
    return a;
  }
}

new Demo().myFunc();
