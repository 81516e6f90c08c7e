// The seed's first example as a class method: a small array kept, a big one made and dropped.
import { profile } from 'ts-memory-profiler';

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
