import { profile } from 'ts-memory-profiler';

export class Demo {
  @profile
  myFunc(): number[] {
    const a = new Array(10 ** 6).fill(1);
    return a;
  }
}
