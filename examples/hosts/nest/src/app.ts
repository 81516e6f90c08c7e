import { profile } from 'ts-memory-profiler';

class Demo {
  @profile
  myFunc(): number[] {
    const a = new Array(10 ** 6).fill(1);
    return a;
  }
}

console.log(new Demo().myFunc().length);
