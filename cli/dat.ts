/**
 * memory_profiler's mprof `.dat` format, written and read exactly as mprof 0.61 does, so each tool
 * reads the other's recordings:
 *
 *   CMDLINE <command line>
 *   MEM <MiB, 6 decimals> <epoch seconds, 4 decimals>            one per sample
 *   FUNC <name> <MiB> <epoch s> <MiB> <epoch s> [<nesting level>] one per profiled call (entry, exit)
 *   CHLD <child> <MiB> <epoch s>                                   mprof --multiprocess only
 *
 * Records of other kinds are skipped, as mprof skips them.
 */
import * as fs from 'fs';
import { StringDecoder } from 'string_decoder';

export interface Sample {
  /** MiB. */
  mem: number;
  /** Epoch seconds. */
  t: number;
}

export interface FuncCall {
  name: string;
  mem0: number;
  t0: number;
  mem1: number;
  t1: number;
  /** Nesting level of profiled calls, 0 for the outermost (as memory_profiler counts); absent in old files. */
  level?: number;
}

export interface Recording {
  cmdline: string | undefined;
  samples: Sample[];
  funcs: FuncCall[];
  /** CHLD records, per child. */
  children: Map<string, Sample[]>;
}

/** A file that is not a readable recording: one line for the user, no stack. */
export class DatError extends Error {
  override name = 'DatError';
}

/** mprof's get_cmd_line: arguments holding a blank are put in single quotes. */
export function formatCmdline(argv: readonly string[]): string {
  return argv.map((a) => (/[ \t]/.test(a) ? `'${a}'` : a)).join(' ');
}

export function cmdlineLine(argv: readonly string[]): string {
  return `CMDLINE ${formatCmdline(argv)}\n`;
}

/** "MEM {0:.6f} {1:.4f}". */
export function memLine(mem: number, t: number): string {
  return `MEM ${mem.toFixed(6)} ${t.toFixed(4)}\n`;
}

export function chldLine(child: string, mem: number, t: number): string {
  return `CHLD ${child} ${mem.toFixed(6)} ${t.toFixed(4)}\n`;
}

/** One FUNC line, formatted as memory_profiler 0.61 writes it ("%s %.4f %.4f %.4f %.4f %d"). */
export function funcLine(name: string, mem0: number, t0: number, mem1: number, t1: number, level: number): string {
  return `FUNC ${funcName(name)} ${mem0.toFixed(4)} ${t0.toFixed(4)} ${mem1.toFixed(4)} ${t1.toFixed(4)} ${level}\n`;
}

/** mprof splits lines on spaces, so a name may not hold any (`Class.get x` -> `Class.get_x`). */
export function funcName(name: string): string {
  return name.replace(/\s+/g, '_') || '<anonymous>';
}

export function formatRecording(r: Recording): string {
  let text = r.cmdline === undefined ? '' : `CMDLINE ${r.cmdline}\n`;
  for (const s of r.samples) text += memLine(s.mem, s.t);
  for (const [child, samples] of r.children) for (const s of samples) text += chldLine(child, s.mem, s.t);
  for (const f of r.funcs) text += funcLine(f.name, f.mem0, f.t0, f.mem1, f.t1, f.level ?? 0);
  return text;
}

/**
 * A plain decimal ("-12.3456", at most 15 digits) read from its characters, NaN for anything else.
 * Exact: both integers are exactly representable, so their quotient is rounded once, as Number()
 * rounds; it is only faster (a recording holds millions of figures).
 */
function plainDecimal(text: string): number {
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  let digits = 0;
  let int = 0;
  let scale = 1;
  let dot = false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      int = int * 10 + (c - 48);
      digits++;
      if (dot) scale *= 10;
    } else if (c === 46 && !dot) dot = true;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  return (text.charCodeAt(0) === 45 ? -int : int) / scale;
}

/** `where()` names the file and line, made only for an error (millions of lines are read). */
function number(text: string | undefined, what: string, where: () => string): number {
  if (text === undefined) throw new DatError(`${where()}: ${what} is not a number: ''`);
  const fast = plainDecimal(text);
  if (fast === fast) return fast;
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value)) throw new DatError(`${where()}: ${what} is not a number: '${text ?? ''}'`);
  return value;
}

/**
 * What the parser hands each record to: a Recording being built (RecordingSink), or a reader that
 * keeps less (`peak` keeps the largest sample, `plot` typed arrays: cli/columns.ts).
 */
export interface DatSink {
  cmdline(text: string): void;
  sample(mem: number, t: number): void;
  /** `level` is undefined for a FUNC record without one (older files). */
  call(name: string, mem0: number, t0: number, mem1: number, t1: number, level: number | undefined): void;
  child(child: string, mem: number, t: number): void;
}

/** Builds a Recording, one object per record. */
export class RecordingSink implements DatSink {
  readonly recording: Recording = { cmdline: undefined, samples: [], funcs: [], children: new Map() };
  cmdline(text: string): void {
    this.recording.cmdline = text;
  }
  sample(mem: number, t: number): void {
    this.recording.samples.push({ mem, t });
  }
  call(name: string, mem0: number, t0: number, mem1: number, t1: number, level: number | undefined): void {
    const call: FuncCall = { name, mem0, t0, mem1, t1 };
    if (level !== undefined) call.level = level;
    this.recording.funcs.push(call);
  }
  child(child: string, mem: number, t: number): void {
    const samples = this.recording.children.get(child) ?? [];
    samples.push({ mem, t });
    this.recording.children.set(child, samples);
  }
}

/**
 * Reads records line by line into a DatSink. A record that mprof would choke on is a DatError
 * naming the file and line, except a last line cut short (a recording still being written), which
 * is skipped. Used by parseDat for a whole text and by scanDat for a file read in chunks, so a
 * recording of millions of lines is never one string in memory.
 */
class DatParser {
  private lineNumber = 0;
  /** The first error, kept until the next line shows it was not the (cut short) last line. */
  private pending: unknown;
  /** FUNC names seen, so a million calls of one method share one string. */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly file: string,
    private readonly sink: DatSink,
  ) {}

  line(raw: string): void {
    this.lineNumber++;
    if (this.pending !== undefined) throw this.pending;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') return;
    try {
      this.record(line);
    } catch (error) {
      this.pending = error;
    }
  }

  /** The end of the text: `complete` when it ended with a newline (else its last line may be cut short). */
  end(complete: boolean): void {
    if (this.pending !== undefined && complete) throw this.pending;
  }

  private readonly where = () => `${this.file}:${this.lineNumber}`;

  private record(line: string): void {
    const where = this.where;
    const space = line.indexOf(' ');
    const field = space < 0 ? line : line.slice(0, space);
    const sink = this.sink;
    if (field === 'MEM') {
      // Two figures, and whatever mprof would ignore after them.
      const second = line.indexOf(' ', space + 1);
      const third = second < 0 ? -1 : line.indexOf(' ', second + 1);
      const mem = number(space < 0 ? '' : second < 0 ? line.slice(space + 1) : line.slice(space + 1, second), 'MEM memory', where);
      const t = number(second < 0 ? undefined : third < 0 ? line.slice(second + 1) : line.slice(second + 1, third), 'MEM time', where);
      sink.sample(mem, t);
    } else if (field === 'FUNC') {
      const values = space < 0 ? [] : line.slice(space + 1).split(' ');
      if (values.length < 5) throw new DatError(`${where()}: FUNC needs a name, two memory figures and two times`);
      let name = this.names.get(values[0]);
      if (name === undefined) {
        // A copy: a slice would keep the whole chunk it came from alive.
        name = Buffer.from(values[0]).toString();
        this.names.set(name, name);
      }
      const mem0 = number(values[1], 'FUNC entry memory', where);
      const t0 = number(values[2], 'FUNC entry time', where);
      const mem1 = number(values[3], 'FUNC exit memory', where);
      const t1 = number(values[4], 'FUNC exit time', where);
      sink.call(name, mem0, t0, mem1, t1, values.length >= 6 ? number(values[5], 'FUNC level', where) : undefined);
    } else if (field === 'CHLD') {
      const values = space < 0 ? [] : line.slice(space + 1).split(' ');
      const mem = number(values[1], 'CHLD memory', where);
      sink.child(values[0], mem, number(values[2], 'CHLD time', where));
    } else if (field === 'CMDLINE') {
      sink.cmdline(Buffer.from(line.slice(space + 1)).toString());
    }
  }
}

/** Parses a recording's text (see DatParser for the errors). */
export function parseDat(text: string, file = '<recording>'): Recording {
  const sink = new RecordingSink();
  const parser = new DatParser(file, sink);
  let from = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
    parser.line(text.slice(from, nl));
    from = nl + 1;
  }
  if (from < text.length) parser.line(text.slice(from));
  parser.end(text.endsWith('\n'));
  return sink.recording;
}

/** Called now and then while a file is read: bytes read so far, and the file's size. */
export type Progress = (done: number, total: number) => void;

const CHUNK = 4 * 2 ** 20;

/** Calls `line` with each line of a file (without its newline), read in chunks; returns whether it ended with a newline. */
export function eachLine(file: string, line: (text: string) => void, progress?: Progress): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    throw readError(file, error);
  }
  try {
    const total = fs.fstatSync(fd).size;
    const buffer = Buffer.allocUnsafe(CHUNK);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    let done = 0;
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(fd, buffer, 0, CHUNK, null);
      } catch (error) {
        throw readError(file, error);
      }
      if (n === 0) break;
      done += n;
      const text = rest + decoder.write(buffer.subarray(0, n));
      let from = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
        line(text.slice(from, nl));
        from = nl + 1;
      }
      rest = text.slice(from);
      progress?.(done, total);
    }
    rest += decoder.end();
    if (rest !== '') line(rest);
    return rest === '';
  } finally {
    fs.closeSync(fd);
  }
}

function readError(file: string, error: unknown): DatError {
  const code = (error as NodeJS.ErrnoException).code;
  return new DatError(
    code === 'ENOENT' ? `${file}: no such file` : code === 'EISDIR' ? `${file}: is a directory` : `${file}: ${(error as Error).message}`,
  );
}

/** Reads and parses a recording; a missing or unreadable file is a DatError. */
export function readDat(file: string, progress?: Progress): Recording {
  return scanDat(file, new RecordingSink(), progress).recording;
}

/** Reads a recording into any sink, in chunks; returns the sink. */
export function scanDat<S extends DatSink>(file: string, sink: S, progress?: Progress): S {
  const parser = new DatParser(file, sink);
  parser.end(eachLine(file, (text) => parser.line(text), progress));
  return sink;
}

/** The first time of a recording (a sample or a call), in epoch seconds. */
export function startOf(r: Recording): number | undefined {
  let start = Infinity;
  for (const s of r.samples) start = Math.min(start, s.t);
  for (const f of r.funcs) start = Math.min(start, f.t0);
  for (const samples of r.children.values()) for (const s of samples) start = Math.min(start, s.t);
  return start === Infinity ? undefined : start;
}

/** The largest sample, the first one if several share the peak. */
export function peakOf(r: Recording): Sample | undefined {
  let peak: Sample | undefined;
  for (const s of r.samples) if (peak === undefined || s.mem > peak.mem) peak = s;
  return peak;
}
