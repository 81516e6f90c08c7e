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
import { funcLine } from '../runtime/timeline';

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

export { funcLine };

export function formatRecording(r: Recording): string {
  let text = r.cmdline === undefined ? '' : `CMDLINE ${r.cmdline}\n`;
  for (const s of r.samples) text += memLine(s.mem, s.t);
  for (const [child, samples] of r.children) for (const s of samples) text += chldLine(child, s.mem, s.t);
  for (const f of r.funcs) text += funcLine(f.name, f.mem0, f.t0, f.mem1, f.t1, f.level ?? 0);
  return text;
}

function number(text: string | undefined, what: string, where: string): number {
  const value = text === undefined || text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value)) throw new DatError(`${where}: ${what} is not a number: '${text ?? ''}'`);
  return value;
}

/**
 * Parses a recording. A record that mprof would choke on is a DatError naming the file and line,
 * except a last line cut short (a recording still being written), which is skipped.
 */
export function parseDat(text: string, file = '<recording>'): Recording {
  const recording: Recording = { cmdline: undefined, samples: [], funcs: [], children: new Map() };
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line === '') continue;
    const where = `${file}:${i + 1}`;
    const space = line.indexOf(' ');
    const field = space < 0 ? line : line.slice(0, space);
    const values = space < 0 ? [] : line.slice(space + 1).split(' ');
    try {
      if (field === 'MEM') {
        recording.samples.push({ mem: number(values[0], 'MEM memory', where), t: number(values[1], 'MEM time', where) });
      } else if (field === 'FUNC') {
        if (values.length < 5) throw new DatError(`${where}: FUNC needs a name, two memory figures and two times`);
        const call: FuncCall = {
          name: values[0],
          mem0: number(values[1], 'FUNC entry memory', where),
          t0: number(values[2], 'FUNC entry time', where),
          mem1: number(values[3], 'FUNC exit memory', where),
          t1: number(values[4], 'FUNC exit time', where),
        };
        if (values.length >= 6) call.level = number(values[5], 'FUNC level', where);
        recording.funcs.push(call);
      } else if (field === 'CHLD') {
        const samples = recording.children.get(values[0]) ?? [];
        samples.push({ mem: number(values[1], 'CHLD memory', where), t: number(values[2], 'CHLD time', where) });
        recording.children.set(values[0], samples);
      } else if (field === 'CMDLINE') {
        recording.cmdline = line.slice(space + 1);
      }
    } catch (error) {
      // The last line of a file still being written may be cut short.
      if (i === lines.length - 1 && !complete) continue;
      throw error;
    }
  }
  return recording;
}

/** Reads and parses a recording; a missing or unreadable file is a DatError. */
export function readDat(file: string): Recording {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DatError(code === 'ENOENT' ? `${file}: no such file` : code === 'EISDIR' ? `${file}: is a directory` : `${file}: ${(error as Error).message}`);
  }
  return parseDat(text, file);
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
