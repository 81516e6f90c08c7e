/**
 * The recordings in the current directory (mprof's `mprofile_<YYYYMMDDhhmmss>.dat`), and the
 * commands that work on them: `ts-mprof list`, `ts-mprof peak [FILE]`, `ts-mprof clean`.
 * As in mprof, a recording can be named by its number in `list` (0 the oldest, -1 the newest).
 */
import * as fs from 'fs';
import { DatError, peakOf, readDat, startOf, type Recording } from './dat';
import { UsageError } from './usage';

const PATTERN = /^mprofile_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.dat$/;

/** mprof's glob `mprofile_??????????????.dat`, oldest first (the names sort by date). */
export function recordingsIn(dir = '.'): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => PATTERN.test(name))
    .sort();
}

/**
 * The file a command works on: the one named, the one numbered, or the newest in the directory.
 * A DatError (one line for the user) when there is none.
 */
export function chooseRecording(arg: string | undefined): string {
  if (arg !== undefined && !/^-?\d+$/.test(arg)) return arg;
  const all = recordingsIn();
  if (all.length === 0) throw new DatError('no recordings (mprofile_*.dat) in this directory: make one with ts-mprof run --timeline -- COMMAND');
  if (arg === undefined) return all[all.length - 1];
  const index = Number(arg);
  const file = all[index < 0 ? all.length + index : index];
  if (file === undefined) throw new DatError(`no recording number ${arg}: there are ${all.length} (ts-mprof list)`);
  return file;
}

/** The date in a recording's name, else its first time stamp; local time, "YYYY-MM-DD hh:mm:ss". */
function dateOf(file: string, recording: Recording | undefined): string {
  const m = PATTERN.exec(file);
  if (m) return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`;
  const start = recording && startOf(recording);
  return start === undefined ? '?' : formatDate(start);
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

function noArguments(command: string, args: string[]): void {
  if (args.length) throw new UsageError(`${command} takes no arguments, got '${args[0]}'`);
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
    let recording: Recording | undefined;
    try {
      recording = readDat(file);
    } catch (error) {
      if (!(error instanceof DatError)) throw error;
    }
    const command = recording === undefined ? '(unreadable)' : recording.cmdline ?? '';
    process.stdout.write(`${String(n).padStart(3)}  ${file}  ${dateOf(file, recording)}  ${command}\n`);
  }
  return 0;
}

/** `ts-mprof peak [FILE]`: the largest sample, and when it was taken (after the start, and the clock time). */
export function peak(args: string[]): number {
  if (args.length > 1) throw new UsageError(`peak takes one recording, got ${args.length}`);
  if (args[0]?.startsWith('-') && !/^-\d+$/.test(args[0])) throw new UsageError(`unknown option '${args[0]}'`);
  return guarded('peak', () => {
    const file = chooseRecording(args[0]);
    const recording = readDat(file);
    const top = peakOf(recording);
    if (top === undefined) throw new DatError(`${file}: no memory samples (MEM lines) in it`);
    const start = startOf(recording)!;
    process.stdout.write(`${file}\t${top.mem.toFixed(3)} MiB at ${(top.t - start).toFixed(2)} s (${formatDate(top.t)})\n`);
    for (const [child, samples] of recording.children) {
      const childTop = samples.reduce((a, b) => (b.mem > a.mem ? b : a));
      process.stdout.write(`  child ${child}\t${childTop.mem.toFixed(3)} MiB at ${(childTop.t - start).toFixed(2)} s\n`);
    }
  });
}

/** `ts-mprof clean`: removes mprofile_*.dat from the current directory, as `mprof clean` does. */
export function clean(args: string[]): number {
  noArguments('clean', args);
  const all = recordingsIn();
  for (const file of all) {
    fs.rmSync(file, { force: true });
    process.stdout.write(`removed ${file}\n`);
  }
  if (all.length === 0) process.stdout.write('no recordings (mprofile_*.dat) in this directory\n');
  return 0;
}
