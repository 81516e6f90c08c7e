/**
 * The arguments of `ts-mprof run`: options, then the program, then the program's own arguments
 * (everything after the program is the program's, even what looks like an option).
 */
import { SettingError, parseSetting, type RunSettings } from '../loader/settings';
import { UsageError } from './usage';

export interface RunArguments {
  settings: RunSettings;
  /** The program as written (a path to a .ts file, usually). */
  program: string;
  /** Its arguments: its `process.argv.slice(2)`. */
  args: string[];
}

/** Each flag and the setting it sets (`--aggregate` is a switch, the others take a value). */
const FLAGS: Record<string, keyof RunSettings> = {
  '--precision': 'precision',
  '--backend': 'backend',
  '--format': 'format',
  '-o': 'output',
  '--output': 'output',
  '--aggregate': 'aggregate',
};

/** Throws a UsageError for anything it cannot take. */
export function parseRunArguments(args: readonly string[]): RunArguments {
  const settings: Record<string, unknown> = {};
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = equals < 0 ? arg : arg.slice(0, equals);
    const name = Object.prototype.hasOwnProperty.call(FLAGS, flag) ? FLAGS[flag] : undefined;
    if (name === undefined) throw new UsageError(`unknown option '${flag}'`);
    if (name === 'aggregate') {
      if (equals >= 0) throw new UsageError(`${flag} takes no value`);
      settings.aggregate = true;
      continue;
    }
    let text: string;
    if (equals >= 0) text = arg.slice(equals + 1);
    else if (i + 1 < args.length) text = args[++i];
    else throw new UsageError(`${flag} needs a value`);
    try {
      settings[name] = parseSetting(name, text);
    } catch (error) {
      if (error instanceof SettingError) throw new UsageError(`${flag} ${error.message}`);
      throw error;
    }
  }
  if (i >= args.length) throw new UsageError('no program to run');
  return { settings: settings as RunSettings, program: args[i], args: args.slice(i + 1) };
}
