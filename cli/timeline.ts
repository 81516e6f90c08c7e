/**
 * `ts-mprof run --timeline [--interval S] [--include-children] [-o FILE.dat] -- COMMAND [args...]`:
 * runs any command and samples its resident memory every S seconds into an mprof `.dat` file, as
 * memory_profiler's `mprof run` does. The command learns it is recorded through TS_MPROF_TIMELINE
 * (the file's absolute path): its @profile calls append FUNC lines there (runtime/report/timeline.ts).
 * The exit code is the command's.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { exitStatus, forwardSignals } from './child';
import { cmdlineLine, memLine } from './dat';
import { canSample, sample } from './sampler';
import { readOptions } from './args';
import { UsageError } from './usage';
import { TIMELINE_ENV } from '../runtime/report/timeline';

export interface TimelineOptions {
  interval: number;
  includeChildren: boolean;
  output: string | undefined;
  command: string[];
}

export function parseArgs(args: string[]): TimelineOptions {
  const options: TimelineOptions = { interval: 0.1, includeChildren: false, output: undefined, command: [] };
  const first = readOptions(args, (flag) => {
    switch (flag.name) {
      case '--timeline':
        flag.noValue();
        break;
      case '--include-children':
      case '-C':
        flag.noValue();
        options.includeChildren = true;
        break;
      case '--interval':
      case '-T': {
        const text = flag.value();
        const seconds = Number(text);
        if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0)
          throw new UsageError(`--interval must be a number of seconds above 0, got '${text}'`);
        options.interval = seconds;
        break;
      }
      case '-o':
      case '--output':
        options.output = flag.value();
        if (options.output === '') throw new UsageError(`${flag.name} needs a file name`);
        break;
      default:
        throw new UsageError(`unknown option '${flag.name}'`);
    }
  });
  options.command = args.slice(first);
  if (options.command.length === 0) throw new UsageError('no command to run: ts-mprof run --timeline -- COMMAND [args...]');
  return options;
}

/** mprof's default: mprofile_<YYYYMMDDhhmmss>.dat, local time; a later second if that name is taken. */
export function defaultOutput(dir: string, date = new Date()): string {
  for (let t = date.getTime(); ; t += 1000) {
    const d = new Date(t);
    const p = (n: number) => String(n).padStart(2, '0');
    const name = `mprofile_${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}.dat`;
    if (!fs.existsSync(path.join(dir, name))) return name;
  }
}

/** One progress report: elapsed time, samples, current and peak memory. */
export function progressLine(elapsed: number, samples: number, current: number | undefined, peak: number): string {
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `ts-mprof: ${elapsed.toFixed(1)} s, ${samples} samples, ${current === undefined ? '-' : mib(current)} (peak ${mib(peak)})`;
}

/** Seconds between progress lines when stderr is not a terminal; a terminal gets a live line. */
const PROGRESS_EVERY = 5;

export async function main(args: string[]): Promise<number> {
  const options = parseArgs(args);
  if (!canSample()) {
    process.stderr.write('ts-mprof run --timeline: needs /proc to read memory (Linux)\n');
    return 1;
  }
  const output = options.output ?? defaultOutput(process.cwd());
  const file = openRecording(output, options.command);
  if (file === undefined) return 2;
  const [command, ...rest] = options.command;
  const child = spawn(command, rest, { stdio: 'inherit', env: { ...process.env, [TIMELINE_ENV]: path.resolve(output) } });
  const recorder = new Recorder(file.fd, output, child, options.includeChildren);
  // The terminal's Ctrl-C reaches the command too: keep recording until it exits.
  const stopForwarding = forwardSignals(child);
  const code = await recorder.record(command, options.interval);
  stopForwarding();
  fs.closeSync(file.fd);
  recorder.endProgress();
  if (child.pid === undefined) {
    // Nothing ran: leave no recording behind (nor a CMDLINE in one that was there).
    if (file.existed) fs.truncateSync(output, file.sizeBefore);
    else fs.rmSync(output, { force: true });
    return code;
  }
  process.stderr.write(`${recorder.summary()}\n`);
  return code;
}

/**
 * The recording's file, opened for appending with the command's CMDLINE written (as `ts-mprof run
 * -o` appends, a second run into one file adds its own CMDLINE and samples; mprof keeps the last).
 * The recorded program appends its FUNC lines to it too. Undefined, and said, when it cannot be written.
 */
function openRecording(output: string, command: readonly string[]): { fd: number; existed: boolean; sizeBefore: number } | undefined {
  const existed = fs.existsSync(output);
  const sizeBefore = existed ? fs.statSync(output).size : 0;
  try {
    const fd = fs.openSync(output, 'a');
    fs.writeSync(fd, cmdlineLine(command));
    return { fd, existed, sizeBefore };
  } catch (error) {
    process.stderr.write(`ts-mprof run --timeline: cannot write ${output}: ${(error as Error).message}\n`);
    return undefined;
  }
}

/** Samples a running command's memory into the recording, and says how it goes on stderr. */
class Recorder {
  private readonly started = Date.now();
  private readonly tty = process.stderr.isTTY === true;
  private samples = 0;
  private current: number | undefined;
  private peak = 0;
  private lastProgress = this.started;
  /** Whether a live progress line is on the terminal (cleared at the end). */
  private live = false;
  private writeFailed = false;
  /** The last reading and its time: repeated at the exit time as the recording's last sample. */
  private last: { rss: number; t: number } | undefined;

  constructor(
    private readonly fd: number,
    private readonly output: string,
    private readonly child: ChildProcess,
    private readonly includeChildren: boolean,
  ) {}

  /**
   * The first sample at once ('spawn' comes after the exec succeeded, so it is the command's), then
   * one every interval: a program shorter than the interval still has a start. Resolves to the exit
   * status (127 or 126 when the command could not be run).
   */
  record(command: string, interval: number): Promise<number> {
    const child = this.child;
    return new Promise<number>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      child.once('spawn', () => {
        this.take();
        timer = setInterval(() => {
          this.take();
          this.progress();
        }, interval * 1000);
      });
      child.once('error', (error: NodeJS.ErrnoException) => {
        clearInterval(timer);
        const why = error.code === 'ENOENT' ? 'command not found' : error.code === 'EACCES' ? 'permission denied' : error.message;
        process.stderr.write(`ts-mprof run --timeline: cannot run '${command}': ${why}\n`);
        resolve(error.code === 'ENOENT' ? 127 : 126);
      });
      child.once('exit', (exitCode, signal) => {
        clearInterval(timer);
        // Its end: the process is gone and cannot be read, so the last reading stands for it, at the
        // exit time (as mprof's last sample is taken as the command ends).
        const end = Date.now() / 1000;
        if (this.last !== undefined && end > this.last.t) this.write(this.last.rss, end);
        resolve(exitStatus(exitCode, signal));
      });
    });
  }

  /** The closing line: samples, time and peak. */
  summary(): string {
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    return `ts-mprof: ${this.samples} samples over ${seconds} s, peak ${(this.peak / 2 ** 20).toFixed(1)} MiB: ${this.output}`;
  }

  /** Clears the live progress line, if one is on the terminal. */
  endProgress(): void {
    if (this.live) process.stderr.write('\r\x1b[K');
  }

  private write(rss: number, t: number): void {
    if (this.writeFailed) return;
    try {
      fs.writeSync(this.fd, memLine(rss / 2 ** 20, t));
    } catch (error) {
      // A full disk, say: the command keeps running, the recording stops here.
      process.stderr.write(`ts-mprof run --timeline: cannot write ${this.output}, recording stopped: ${(error as Error).message}\n`);
      this.writeFailed = true;
      return;
    }
    this.samples++;
    this.peak = Math.max(this.peak, rss);
  }

  private take(): void {
    if (this.child.pid === undefined || this.writeFailed) return;
    const reading = sample(this.child.pid, this.includeChildren);
    this.current = reading?.rss;
    if (reading === undefined) return;
    this.last = { rss: reading.rss, t: Date.now() / 1000 };
    this.write(this.last.rss, this.last.t);
  }

  private progress(): void {
    const now = Date.now();
    const line = () => progressLine((now - this.started) / 1000, this.samples, this.current, this.peak);
    if (this.tty) {
      if (now - this.started < 1000 || now - this.lastProgress < 250) return;
      process.stderr.write(`\r\x1b[K${line()}`);
      this.live = true;
    } else {
      if (now - this.lastProgress < PROGRESS_EVERY * 1000) return;
      process.stderr.write(`${line()}\n`);
    }
    this.lastProgress = now;
  }
}
