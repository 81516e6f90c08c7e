/**
 * The run-wide settings of `ts-mprof run` and of the loader, as text (command-line flags, environment
 * variables) and as `configure(...)` options. `ts-mprof run` passes its flags to the program's process
 * through the environment variables, so both ways of starting read them here, with the same checks.
 */
import * as fs from 'fs';
import { checkOption } from '../runtime/option-rules';
import { configure } from '../runtime/settings';
import type { ProfileOptions, ReportStream } from '../runtime/types';

export interface RunSettings {
  precision?: number;
  backend?: 'heap' | 'rss' | 'exact';
  format?: 'text' | 'json';
  /** A file the reports are appended to, instead of stdout. */
  output?: string;
  aggregate?: boolean;
  /** A pprof profile of the reports, written at exit. */
  pprof?: string;
  peak?: boolean;
}

/** The environment variable of each setting. */
export const ENVIRONMENT: { readonly [K in keyof Required<RunSettings>]: string } = {
  precision: 'TS_MEMORY_PROFILER_PRECISION',
  backend: 'TS_MEMORY_PROFILER_BACKEND',
  format: 'TS_MEMORY_PROFILER_FORMAT',
  output: 'TS_MEMORY_PROFILER_OUTPUT',
  aggregate: 'TS_MEMORY_PROFILER_AGGREGATE',
  pprof: 'TS_MEMORY_PROFILER_PPROF',
  peak: 'TS_MEMORY_PROFILER_PEAK',
};

/** A setting written as text does not parse: the message says what is wrong (without naming where). */
export class SettingError extends Error {
  override name = 'SettingError';
}

/** One setting from its text; throws a SettingError. */
export function parseSetting<K extends keyof RunSettings>(name: K, text: string): RunSettings[K] {
  let value: unknown = text;
  if (name === 'output' || name === 'pprof') {
    if (text === '') throw new SettingError('must be a file name');
    return text as RunSettings[K];
  }
  if (name === 'precision') value = /^\d+$/.test(text) ? Number(text) : text;
  if (name === 'aggregate' || name === 'peak') {
    if (/^(1|true|yes|on)$/i.test(text)) value = true;
    else if (/^(0|false|no|off)$/i.test(text)) value = false;
    else throw new SettingError(`must be 1 or 0, got ${JSON.stringify(text)}`);
  }
  const problem = checkOption(name, value);
  if (problem) throw new SettingError(problem.replace(/^option '\w+' /, ''));
  return value as RunSettings[K];
}

/** The settings found in the environment; throws a SettingError naming the variable. */
export function settingsFromEnvironment(env: NodeJS.ProcessEnv): RunSettings {
  const settings: Record<string, unknown> = {};
  for (const name of Object.keys(ENVIRONMENT) as (keyof RunSettings)[]) {
    const text = env[ENVIRONMENT[name]];
    if (text === undefined || text === '') continue;
    try {
      settings[name] = parseSetting(name, text);
    } catch (error) {
      if (error instanceof SettingError) throw new SettingError(`${ENVIRONMENT[name]} ${error.message}`);
      throw error;
    }
  }
  return settings as RunSettings;
}

/** The environment variables that carry the settings to another process. */
export function environmentFor(settings: RunSettings): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of Object.keys(settings) as (keyof RunSettings)[]) {
    const value = settings[name];
    if (value !== undefined) env[ENVIRONMENT[name]] = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  }
  return env;
}

/**
 * Appends each report to a file at once, with a synchronous write: nothing waits in a buffer when
 * the process exits. Throws if the file cannot be opened.
 */
export function appendingStream(file: string): ReportStream {
  const fd = fs.openSync(file, 'a');
  return { write: (text: string) => fs.writeSync(fd, text) };
}

/** Makes the settings the process-wide defaults (`configure`), before the program loads. */
export function applySettings(settings: RunSettings): void {
  const options: ProfileOptions = {};
  if (settings.precision !== undefined) options.precision = settings.precision;
  if (settings.backend !== undefined) options.backend = settings.backend;
  if (settings.format !== undefined) options.format = settings.format;
  if (settings.aggregate !== undefined) options.aggregate = settings.aggregate;
  if (settings.peak !== undefined) options.peak = settings.peak;
  if (settings.output !== undefined) options.stream = appendingStream(settings.output);
  if (settings.pprof !== undefined) options.pprof = settings.pprof;
  configure(options);
}
