/**
 * The recordings in the current directory (mprof's `mprofile_<YYYYMMDDhhmmss>.dat`), and the
 * commands that work on them: `ts-mprof list`, `ts-mprof peak [FILE]`, `ts-mprof clean`.
 * As in mprof, a recording can be named by its number in `list` (0 the oldest, -1 the newest).
 */
import * as fs from 'fs';
import { DatError, eachLine, scanDat, type DatSink, type Sample } from './dat';
import { readArguments } from './args';
import { printable } from './printable';
import { progressOnTerminal } from './progress';
import { UsageError } from './usage';

const PATTERN = /^mprofile_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.dat$/;

/** mprof's glob `mprofile_??????????????.dat`, oldest first (the names sort by date); files only. */
export function recordingsIn(dir = '.'): string[] {
  return namedLikeRecordings(dir)
    .filter((entry) => !entry.isDirectory())
    .map((entry) => entry.name);
}

function namedLikeRecordings(dir: string): fs.Dirent[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => PATTERN.test(entry.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The file a command works on: the one named, the one numbered, or the newest in the directory.
 * A DatError (one line for the user) when there is none.
 */
export function chooseRecording(arg: string | undefined): string {
  if (arg !== undefined && !/^-?\d+$/.test(arg)) return arg;
  const all = recordingsIn();
  if (all.length === 0)
    throw new DatError('no recordings (mprofile_*.dat) in this directory: make one with ts-mprof run --timeline -- COMMAND');
  if (arg === undefined) return all[all.length - 1];
  const index = Number(arg);
  const file = all[index < 0 ? all.length + index : index];
  if (file === undefined) throw new DatError(`no recording number ${arg}: there are ${all.length} (ts-mprof list)`);
  return file;
}

/** The date in a recording's name (list shows only recordings named so), local time, "YYYY-MM-DD hh:mm:ss". */
function dateOf(file: string): string {
  const m = PATTERN.exec(file);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}` : '?';
}

/**
 * What `peak` needs, kept while the file is read: the largest sample, the first time, each child's
 * largest sample. Memory stays flat whatever the recording's length.
 */
class PeakSink implements DatSink {
  top: Sample | undefined;
  start = Infinity;
  readonly children = new Map<string, Sample>();
  cmdline(): void {}
  sample(mem: number, t: number): void {
    if (this.top === undefined || mem > this.top.mem) this.top = { mem, t };
    if (t < this.start) this.start = t;
  }
  call(_name: string, _mem0: number, t0: number): void {
    if (t0 < this.start) this.start = t0;
  }
  child(child: string, mem: number, t: number): void {
    const top = this.children.get(child);
    if (top === undefined || mem > top.mem) this.children.set(child, { mem, t });
    if (t < this.start) this.start = t;
  }
}

/** A recording's command line (its last CMDLINE, as mprof reads it), for `list`: the other lines are only looked at. */
function cmdlineOf(file: string): string | undefined {
  let cmdline: string | undefined;
  const progress = progressOnTerminal('list', file);
  try {
    eachLine(
      file,
      (line) => {
        if (line.startsWith('CMDLINE ')) cmdline = line.slice(8).replace(/\r$/, '');
      },
      progress.update,
    );
  } finally {
    progress.done();
  }
  return cmdline;
}

/** Reads a file into a sink, with progress on a terminal. */
function scanWithProgress<S extends DatSink>(command: string, file: string, sink: S): S {
  const progress = progressOnTerminal(command, file);
  try {
    return scanDat(file, sink, progress.update);
  } finally {
    progress.done();
  }
}

export function formatDate(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Runs a command's body, turning a DatError into one line on stderr and exit code 2. */
export function guarded(command: string, body: () => void): number {
  try {
    body();
    return 0;
  } catch (error) {
    if (!(error instanceof DatError)) throw error;
    process.stderr.write(`ts-mprof ${command}: ${error.message}\n`);
    return 2;
  }
}

/** The grammar of every command (args.ts); `list` and `clean` take no option and no operand. */
function noArguments(command: string, args: string[]): void {
  const operands = readArguments(args, (flag) => {
    throw new UsageError(`unknown option '${flag.name}'`);
  });
  if (operands.length) throw new UsageError(`${command} takes no arguments, got '${operands[0]}'`);
}

/** `ts-mprof list`: number, file, date, command line. */
export function list(args: string[]): number {
  noArguments('list', args);
  const all = recordingsIn();
  if (all.length === 0) {
    process.stdout.write('no recordings (mprofile_*.dat) in this directory\n');
    return 0;
  }
  for (const [n, file] of all.entries()) {
    let command: string;
    try {
      command = cmdlineOf(file) ?? '';
    } catch (error) {
      if (!(error instanceof DatError)) throw error;
      command = '(unreadable)';
    }
    // Control characters escaped: a recording's command line must not drive the terminal.
    process.stdout.write(`${String(n).padStart(3)}  ${printable(file)}  ${dateOf(file)}  ${printable(command)}\n`);
  }
  return 0;
}

/** `ts-mprof peak [FILE]`: the largest sample, and when it was taken (after the start, and the clock time). */
export function peak(args: string[]): number {
  const operands = readArguments(args, (flag) => {
    throw new UsageError(`unknown option '${flag.name}'`);
  });
  if (operands.length > 1) throw new UsageError(`peak takes one recording, got ${operands.length}`);
  return guarded('peak', () => {
    const file = chooseRecording(operands[0]);
    const { top, start, children } = scanWithProgress('peak', file, new PeakSink());
    if (top === undefined) throw new DatError(`${file}: no memory samples (MEM lines) in it`);
    process.stdout.write(`${printable(file)}\t${top.mem.toFixed(3)} MiB at ${(top.t - start).toFixed(2)} s (${formatDate(top.t)})\n`);
    for (const [child, childTop] of children) {
      process.stdout.write(`  child ${printable(child)}\t${childTop.mem.toFixed(3)} MiB at ${(childTop.t - start).toFixed(2)} s\n`);
    }
  });
}

/** `ts-mprof clean`: removes mprofile_*.dat from the current directory, as `mprof clean` does. */
export function clean(args: string[]): number {
  noArguments('clean', args);
  const all = namedLikeRecordings('.');
  let failed = false;
  for (const entry of all) {
    // A directory named like a recording is not one: said on stderr, and the others still go.
    if (entry.isDirectory()) {
      process.stderr.write(`ts-mprof clean: skipped ${printable(entry.name)}: a directory\n`);
      continue;
    }
    try {
      fs.rmSync(entry.name, { force: true });
      process.stdout.write(`removed ${printable(entry.name)}\n`);
    } catch (error) {
      process.stderr.write(`ts-mprof clean: cannot remove ${printable(entry.name)}: ${(error as Error).message}\n`);
      failed = true;
    }
  }
  if (all.length === 0) process.stdout.write('no recordings (mprofile_*.dat) in this directory\n');
  return failed ? 1 : 0;
}
