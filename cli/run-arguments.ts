/**
 * The arguments of `ts-mprof run`: options, then the program, then the program's own arguments
 * (everything after the program is the program's, even what looks like an option).
 */
import { SettingError, parseSetting, type RunSettings } from '../loader/environment';
import { readOptions } from './args';
import { UsageError } from './usage';

export interface RunArguments {
  settings: RunSettings;
  /** The program as written (a path to a .ts file, usually). */
  program: string;
  /** Its arguments: its `process.argv.slice(2)`. */
  args: string[];
  /** `--html FILE`: an HTML report of the run's reports, written by ts-mprof after the program exits. */
  html?: string;
  /** `--speedscope FILE`: the run's reports as a speedscope file, written after the program exits. */
  speedscope?: string;
}

/** Each flag and the setting it sets (`--aggregate` and `--peak` are switches, the others take a value). */
const FLAGS: Record<string, keyof RunSettings> = {
  '--precision': 'precision',
  '--backend': 'backend',
  '--format': 'format',
  '-o': 'output',
  '--output': 'output',
  '--aggregate': 'aggregate',
  '--pprof': 'pprof',
  '--peak': 'peak',
};

/** Throws a UsageError for anything it cannot take. */
export function parseRunArguments(args: readonly string[]): RunArguments {
  const settings: Record<string, unknown> = {};
  let html: string | undefined;
  let speedscope: string | undefined;
  const first = readOptions(args, (flag) => {
    if (flag.name === '--html' || flag.name === '--speedscope') {
      const file = flag.value();
      if (file === '') throw new UsageError(`${flag.name} needs a file name`);
      if (flag.name === '--html') html = file;
      else speedscope = file;
      return;
    }
    const name = Object.prototype.hasOwnProperty.call(FLAGS, flag.name) ? FLAGS[flag.name] : undefined;
    if (name === undefined) throw new UsageError(`unknown option '${flag.name}'`);
    if (name === 'aggregate' || name === 'peak') {
      flag.noValue();
      settings[name] = true;
      return;
    }
    const text = flag.value();
    try {
      settings[name] = parseSetting(name, text);
    } catch (error) {
      if (error instanceof SettingError) throw new UsageError(`${flag.name} ${error.message}`);
      throw error;
    }
  });
  if (first >= args.length) throw new UsageError('no program to run');
  return {
    settings: settings as RunSettings,
    program: args[first],
    args: args.slice(first + 1),
    ...(html === undefined ? {} : { html }),
    ...(speedscope === undefined ? {} : { speedscope }),
  };
}
