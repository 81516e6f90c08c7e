/**
 * Process-wide defaults set by `configure`, the environment switch, and the rule that picks each
 * option at a call: the decorator's own value, then `configure`'s, then the built-in default.
 */
import { validateOptions } from './option-rules';
import { sayOnce } from './stderr';
import type { Backend } from './readings';
import type { ProfileOptions, ReportStream } from './types';

const OFF = /^(off|0|false|no|disabled|none)$/i;
const ON = /^(on|1|true|yes|enabled|)$/i;

/**
 * `TS_MEMORY_PROFILER=off` (or `0`, `false`, `no`, `disabled`, `none`; any case, spaces around
 * ignored): every `@profile` leaves its method as it was. A value that is neither an off nor an on
 * spelling keeps profiling, and says so once on stderr rather than being silently taken either way.
 */
export function readSwitch(value: string | undefined): { off: boolean; unknown?: string } {
  const word = (value ?? '').trim();
  if (OFF.test(word)) return { off: true };
  if (ON.test(word)) return { off: false };
  return { off: false, unknown: value };
}

const environmentSwitch = readSwitch(process.env.TS_MEMORY_PROFILER);
if (environmentSwitch.unknown !== undefined) {
  sayOnce(
    'environment-switch',
    `TS_MEMORY_PROFILER=${JSON.stringify(environmentSwitch.unknown)} is not understood, profiling stays on (off: off, 0, false, no, disabled, none; on: on, 1, true, yes, enabled)`,
  );
}

export const disabledByEnvironment = environmentSwitch.off;

let configured: Readonly<ProfileOptions> = Object.freeze({});

/**
 * Sets process-wide defaults for every `@profile` that does not set the option itself. A key given
 * as `undefined` goes back to the built-in default. Throws a TypeError naming a bad option.
 */
export function configure(options: ProfileOptions): void {
  const checked = validateOptions(options, 'configure');
  const next: Record<string, unknown> = { ...configured, ...checked };
  for (const name of Object.keys(options)) {
    if ((options as Record<string, unknown>)[name] === undefined) delete next[name];
  }
  configured = Object.freeze(next) as Readonly<ProfileOptions>;
}

/**
 * Options that win over the decorator's and `configure`'s for the calls made while they are set:
 * `memoryUsage` and `limitMemory` make the profiled code inside read with their backend (and the
 * latter collect the reports). Process-wide while set, like `configure`.
 */
let forced: Readonly<ProfileOptions> = Object.freeze({});

/** Sets the forced options; returns the previous ones, to put back. */
export function force(options: Readonly<ProfileOptions>): Readonly<ProfileOptions> {
  const previous = forced;
  forced = options;
  return previous;
}

/** The options a report is made with: the forced, the decorator's and the configured, merged (resolveOptions). */
export interface ResolvedOptions {
  precision: number;
  stream: ReportStream;
  format: 'text' | 'json';
  onReport: ProfileOptions['onReport'];
  aggregate: boolean;
  /** A file the report also goes into, as a pprof profile (runtime/report/pprof-file.ts). */
  pprof: string | undefined;
}

export function resolveBackend(own: Readonly<ProfileOptions>): Backend {
  return forced.backend ?? own.backend ?? configured.backend ?? 'heap';
}

export function wantsGc(own: Readonly<ProfileOptions>): boolean {
  return forced.gc ?? own.gc ?? configured.gc ?? false;
}

export function wantsPeak(own: Readonly<ProfileOptions>): boolean {
  return forced.peak ?? own.peak ?? configured.peak ?? false;
}

export function isEnabled(own: Readonly<ProfileOptions>): boolean {
  return own.enabled ?? configured.enabled ?? true;
}

/** The options in force for one call, resolved when its report is written. */
export function resolveOptions(own: Readonly<ProfileOptions>): ResolvedOptions {
  return {
    precision: own.precision ?? configured.precision ?? 1,
    stream: forced.stream ?? own.stream ?? configured.stream ?? process.stdout,
    format: forced.format ?? own.format ?? configured.format ?? 'text',
    onReport: forced.onReport ?? own.onReport ?? configured.onReport,
    aggregate: forced.aggregate ?? own.aggregate ?? configured.aggregate ?? false,
    pprof: own.pprof ?? configured.pprof,
  };
}
