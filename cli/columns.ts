/**
 * A recording held as typed arrays, one per figure, for `ts-mprof plot`: a million samples and a
 * million calls take some 60 MB this way, against several hundred MB as one object per record
 * (cli/dat.ts's Recording). Filled by the parser (a DatSink), or made from a Recording.
 */
import type { DatSink, FuncCall, Recording, Sample } from './dat';

/** A Float64Array that grows as values are pushed. */
class Floats {
  data = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  /** The values, without the spare room. */
  get values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

export class Columns implements DatSink {
  cmdlineText: string | undefined;
  readonly sampleMem = new Floats();
  readonly sampleT = new Floats();
  readonly callMem0 = new Floats();
  readonly callT0 = new Floats();
  readonly callMem1 = new Floats();
  readonly callT1 = new Floats();
  /** NaN for a call recorded without a level. */
  readonly callLevel = new Floats();
  /** Index into `names`. */
  readonly callName = new Floats();
  readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();
  readonly children = new Map<string, Sample[]>();

  static of(recording: Recording): Columns {
    const columns = new Columns();
    if (recording.cmdline !== undefined) columns.cmdline(recording.cmdline);
    for (const s of recording.samples) columns.sample(s.mem, s.t);
    for (const c of recording.funcs) columns.call(c.name, c.mem0, c.t0, c.mem1, c.t1, c.level);
    for (const [child, samples] of recording.children) for (const s of samples) columns.child(child, s.mem, s.t);
    return columns;
  }

  cmdline(text: string): void {
    this.cmdlineText = text;
  }
  sample(mem: number, t: number): void {
    this.sampleMem.push(mem);
    this.sampleT.push(t);
  }
  call(name: string, mem0: number, t0: number, mem1: number, t1: number, level: number | undefined): void {
    let index = this.nameIndex.get(name);
    if (index === undefined) {
      index = this.names.push(name) - 1;
      this.nameIndex.set(name, index);
    }
    this.callName.push(index);
    this.callMem0.push(mem0);
    this.callT0.push(t0);
    this.callMem1.push(mem1);
    this.callT1.push(t1);
    this.callLevel.push(level ?? NaN);
  }
  child(child: string, mem: number, t: number): void {
    const samples = this.children.get(child) ?? [];
    samples.push({ mem, t });
    this.children.set(child, samples);
  }

  get sampleCount(): number {
    return this.sampleT.length;
  }
  get callCount(): number {
    return this.callT0.length;
  }
  sampleAt(i: number): Sample {
    return { mem: this.sampleMem.data[i], t: this.sampleT.data[i] };
  }
  callAt(i: number): FuncCall {
    const call: FuncCall = {
      name: this.names[this.callName.data[i]],
      mem0: this.callMem0.data[i],
      t0: this.callT0.data[i],
      mem1: this.callMem1.data[i],
      t1: this.callT1.data[i],
    };
    if (!Number.isNaN(this.callLevel.data[i])) call.level = this.callLevel.data[i];
    return call;
  }

  /** The first time (a sample, a call or a child's sample), in epoch seconds. */
  start(): number | undefined {
    let start = Infinity;
    for (const t of this.sampleT.values) if (t < start) start = t;
    for (const t of this.callT0.values) if (t < start) start = t;
    for (const samples of this.children.values()) for (const s of samples) start = Math.min(start, s.t);
    return start === Infinity ? undefined : start;
  }

  /** The largest sample, the first one if several share the peak. */
  peak(): Sample | undefined {
    const mem = this.sampleMem.data;
    let best = -1;
    for (let i = 0; i < this.sampleCount; i++) if (best < 0 || mem[i] > mem[best]) best = i;
    return best < 0 ? undefined : this.sampleAt(best);
  }

  /** The `k` longest calls, in the order of the recording (a typed-array sort, not a sort of a million objects). */
  longestCalls(k: number): FuncCall[] {
    const n = this.callCount;
    const durations = new Float64Array(n);
    for (let i = 0; i < n; i++) durations[i] = this.callT1.data[i] - this.callT0.data[i];
    const threshold = n <= k ? -Infinity : Float64Array.from(durations).sort()[n - k];
    let ties = k;
    for (const d of durations) if (d > threshold) ties--;
    const out: FuncCall[] = [];
    for (let i = 0; i < n; i++) {
      if (durations[i] > threshold || (durations[i] === threshold && ties-- > 0)) out.push(this.callAt(i));
    }
    return out;
  }

  /**
   * The curve's points in time order; with more than four per pixel (`x` gives pixels, `width` of
   * them), each pixel column keeps its first, lowest, highest and last sample, so every peak and
   * trough a pixel could show is still drawn.
   */
  curvePoints(x: (t: number) => number, width: number): Sample[] {
    const n = this.sampleCount;
    const t = this.sampleT.data;
    const mem = this.sampleMem.data;
    let order: ArrayLike<number> | undefined;
    for (let i = 1; i < n && order === undefined; i++) {
      if (t[i - 1] > t[i]) order = Array.from({ length: n }, (_, j) => j).sort((a, b) => t[a] - t[b]);
    }
    const at = (j: number) => (order === undefined ? j : order[j]);
    const out: Sample[] = [];
    if (n <= width * 4) {
      for (let j = 0; j < n; j++) out.push(this.sampleAt(at(j)));
      return out;
    }
    let j = 0;
    while (j < n) {
      const column = Math.floor(x(t[at(j)]));
      const first = at(j);
      let lo = first;
      let hi = first;
      let last = first;
      for (j++; j < n && Math.floor(x(t[at(j)])) === column; j++) {
        last = at(j);
        if (mem[last] < mem[lo]) lo = last;
        if (mem[last] > mem[hi]) hi = last;
      }
      const keep = [...new Set([first, lo, hi, last])].sort((a, b) => t[a] - t[b] || a - b);
      for (const i of keep) out.push(this.sampleAt(i));
    }
    return out;
  }
}
