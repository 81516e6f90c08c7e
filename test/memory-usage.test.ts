/**
 * memoryUsage(fn, { interval, backend }): fn runs exactly once; 'rss' is sampled by a thread of its
 * own during a synchronous call; 'heap' / 'exact' are the readings of the probes of profiled code,
 * the same numbers its report shows; bad options are TypeErrors naming the option.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryUsage, type MemoryUsage, type Report } from 'ts-memory-profiler';
import { compile, runInChild } from './helpers/compile';

const MB = 1e6;

function assertShape(usage: MemoryUsage<unknown>): void {
  const { samples } = usage;
  assert.ok(samples.length >= 2);
  assert.equal(samples[0], { time: 0, bytes: usage.entryBytes });
  assert.equal(samples[samples.length - 1], { time: usage.duration, bytes: usage.exitBytes });
  for (let i = 1; i < samples.length; i++) assert.ok(samples[i].time >= samples[i - 1].time, 'samples in time order');
  assert.ok(samples.every((s) => s.bytes <= usage.peakBytes));
}

test("'rss' with an interval: a thread samples during a synchronous call that holds 50 MB", () => {
  const source = `import { memoryUsage } from 'ts-memory-profiler';
const held: Buffer[] = [];
let calls = 0;
export function main() {
  const usage = memoryUsage(() => {
    calls++;
    held.push(Buffer.alloc(50e6, 1));
    // Blocks this thread (no timer could fire) for 60 intervals.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
    return 'done';
  }, { interval: 0.005 });
  return { usage, calls };
}
`;
  const { value } = runInChild(compile(source));
  const { usage, calls } = value as { usage: MemoryUsage<string>; calls: number };
  assert.is(calls, 1);
  assert.is(usage.value, 'done');
  assert.is(usage.source, 'interval');
  assert.is(usage.backend, 'rss');
  assert.is(usage.interval, 0.005);
  assertShape(usage);
  assert.ok(usage.peakBytes - usage.entryBytes >= 40 * MB, `peak rose by ${usage.peakBytes - usage.entryBytes}`);
  // Readings from inside the call, not only its ends, saw the 50 MB.
  const inside = usage.samples.slice(1, -1);
  assert.ok(
    inside.some((s) => s.bytes - usage.entryBytes >= 40 * MB),
    JSON.stringify(inside.slice(0, 5)),
  );
});

test("'rss': an async fn is sampled until it settles; its result and its rejection come through", async () => {
  let calls = 0;
  const usage = memoryUsage(
    async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return 42;
    },
    { interval: 0.001 },
  );
  assert.instance(usage, Promise);
  const settled = await usage;
  assert.is(calls, 1);
  assert.is(settled.value, 42);
  assert.is(settled.source, 'interval');
  assertShape(settled);
  const failure = new Error('inner');
  const rejected = memoryUsage(async () => {
    calls++;
    throw failure;
  });
  await rejected.then(
    () => assert.unreachable('should reject'),
    (error: unknown) => assert.is(error, failure),
  );
  assert.is(calls, 2);
});

test('fn is called once, and what it throws comes through unchanged (every backend)', () => {
  for (const options of [undefined, { interval: 0.01 }, { backend: 'heap' as const }, { backend: 'exact' as const }]) {
    let calls = 0;
    const failure = new RangeError('boom');
    assert.throws(
      () =>
        memoryUsage(() => {
          calls++;
          throw failure;
        }, options),
      (error: unknown) => error === failure,
    );
    assert.is(calls, 1, JSON.stringify(options));
    const usage = memoryUsage(() => ++calls, options);
    assert.is(usage.value, 2);
    assert.is(calls, 2);
  }
});

test("'heap' / 'exact' without profiled code: the entry and exit readings only", () => {
  for (const backend of ['heap', 'exact'] as const) {
    const usage = memoryUsage(() => new Array(1000).fill(0).length, { backend });
    assert.is(usage.source, 'entry-exit');
    assert.is(usage.backend, backend);
    assert.is(usage.interval, null);
    assert.is(usage.samples.length, 2);
    assertShape(usage);
  }
});

const PROBED = `import { memoryUsage, profile } from 'ts-memory-profiler';
const build = profile(function build(n: number) {
  const a = new Array(n).fill(1);
  const b = new Array(n).fill(2);
  return a.length + b.length;
});
class Store {
  @profile
  fill(n: number) {
    const kept = new Float64Array(n);
    return build(n) + kept.length;
  }
}
export function main() {
  const store = new Store();
  const usages = [];
  for (const backend of ['exact', 'heap'] as const) {
    for (let i = 0; i < 2; i++) {
      usages.push(memoryUsage(() => build(2.5e5), { backend }));
      usages.push(memoryUsage(() => store.fill(2.5e5), { backend }));
    }
  }
  return usages;
}
`;

test("'heap' / 'exact': the readings at the probes of the profiled calls inside, as their reports show them", () => {
  const { reports, value } = runInChild(compile(PROBED));
  const usages = value as MemoryUsage<number>[];
  // build alone, then fill with build inside (innermost first): 3 reports per pair of calls.
  assert.equal(
    reports.map((r) => r.name),
    Array(4).fill(['build', 'build', 'Store.fill']).flat(),
  );
  let next = 0;
  usages.forEach((usage, i) => {
    const backend = i < 4 ? 'exact' : 'heap';
    const mine = reports.slice(next, (next += i % 2 === 0 ? 1 : 2));
    assert.is(usage.source, 'probes');
    assert.is(usage.backend, backend);
    assert.is(usage.value, 5e5 + (i % 2) * 2.5e5);
    assertShape(usage);
    // The profiled code inside read with the call's backend.
    assert.ok(mine.every((r: Report) => r.backend === backend));
    const probes = usage.samples.slice(1, -1).map((s) => s.bytes);
    // One reading at each call's entry, one per probe, one at each call's exit.
    const occurrences = mine.reduce((sum, r) => sum + r.lines.reduce((n, l) => n + l.occurrences, 0), 0);
    assert.is(probes.length, occurrences + mine.length, `call ${i}`);
    // Each line's Mem usage is one of the readings, and the peak is the highest.
    for (const report of mine) {
      for (const line of report.lines)
        if (line.memBytes !== null) assert.ok(probes.includes(line.memBytes), `line ${line.line} of ${report.name}`);
    }
    const highest = Math.max(...mine.flatMap((r) => r.lines.map((l) => l.memBytes ?? 0)));
    assert.is(usage.peakBytes, Math.max(highest, usage.entryBytes, usage.exitBytes));
    // Retained bytes: the two 2 MB arrays alive at once (the heap reading may start above them, with garbage).
    if (backend === 'exact') assert.ok(usage.peakBytes - usage.entryBytes > 3.5 * MB, `${usage.peakBytes - usage.entryBytes}`);
  });
});

test('bad options are TypeErrors naming the option', () => {
  const fn = () => 1;
  const cases: Array<[unknown, unknown, RegExp]> = [
    [fn, { interval: 0 }, /memoryUsage: option 'interval' must be a positive number of seconds, got 0$/],
    [fn, { interval: -1 }, /option 'interval' must be a positive number of seconds, got -1/],
    [fn, { interval: '0.1' }, /option 'interval' must be a positive number of seconds, got "0.1"/],
    [fn, { interval: Infinity }, /option 'interval' must be a positive number of seconds, got Infinity/],
    [fn, { backend: 'psutil' }, /option 'backend' must be 'heap', 'rss' or 'exact', got "psutil"/],
    [fn, { backend: 'heap', interval: 0.1 }, /option 'interval' needs backend 'rss', got backend 'heap'/],
    [fn, { timeout: 1 }, /unknown option 'timeout' \(the options are 'interval', 'backend'\)/],
    [fn, 0.1, /memoryUsage: options must be an object, got 0.1/],
    [undefined, {}, /memoryUsage: 'fn' must be a function, got undefined/],
    ['f', {}, /'fn' must be a function, got "f"/],
  ];
  for (const [f, options, message] of cases) {
    let calls = 0;
    const counted = typeof f === 'function' ? () => (calls++, 1) : f;
    assert.throws(
      () => memoryUsage(counted as () => number, options as never),
      (e: unknown) => e instanceof TypeError && message.test(e.message),
      String(message),
    );
    assert.is(calls, 0);
  }
});

test.run();
