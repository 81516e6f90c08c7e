/**
 * The options of `@profile(...)` and `configure(...)`: one list of rules, used at run time (TypeError)
 * and by the transformer on literal options (tsc diagnostic), so the two can never disagree.
 * Pure: no I/O, nothing imported, safe to load from the transformer.
 */
import type { ProfileOptions } from './types';

type Rule = (value: unknown) => string | undefined;

const isFunction = (v: unknown): v is (...args: unknown[]) => unknown => typeof v === 'function';

/** Each rule returns what is wrong with a value, or undefined when it is fine. */
export const OPTION_RULES: { readonly [K in keyof Required<ProfileOptions>]: Rule } = {
  precision: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 10 ? undefined : 'must be an integer from 0 to 10'),
  stream: (v) =>
    typeof v === 'object' && v !== null && isFunction((v as { write?: unknown }).write)
      ? undefined
      : 'must be an object with a write(text) method',
  format: (v) => (v === 'text' || v === 'json' ? undefined : "must be 'text' or 'json'"),
  onReport: (v) => (isFunction(v) ? undefined : 'must be a function'),
  enabled: (v) => (typeof v === 'boolean' ? undefined : 'must be true or false'),
  gc: (v) => (typeof v === 'boolean' ? undefined : 'must be true or false'),
  backend: (v) => (v === 'heap' || v === 'rss' || v === 'exact' ? undefined : "must be 'heap', 'rss' or 'exact'"),
  aggregate: (v) => (typeof v === 'boolean' ? undefined : 'must be true or false'),
  pprof: (v) => (typeof v === 'string' && v !== '' ? undefined : 'must be a file name'),
  peak: (v) => (typeof v === 'boolean' ? undefined : 'must be true or false'),
};

export const OPTION_NAMES = Object.keys(OPTION_RULES) as (keyof ProfileOptions)[];

export function isOptionName(name: string): name is keyof ProfileOptions {
  return Object.prototype.hasOwnProperty.call(OPTION_RULES, name);
}

/** Shows a bad value the way a user wrote it: strings quoted, the rest as JavaScript would print it. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/**
 * The message for an option name that is not one of `known`: the same words wherever options are
 * checked (`@profile`, `memoryUsage`, `limitMemory`, the transformer's `before()`, the Vite plugin).
 */
export function unknownOption(name: string, known: readonly string[]): string {
  return `unknown option '${name}' (the options are ${known.map((n) => `'${n}'`).join(', ')})`;
}

/** The message for one option, or undefined when the value is allowed. `undefined` is always allowed. */
export function checkOption(name: string, value: unknown): string | undefined {
  if (!isOptionName(name)) return unknownOption(name, OPTION_NAMES);
  if (value === undefined) return undefined;
  const problem = OPTION_RULES[name](value);
  return problem && `option '${name}' ${problem}, got ${describeValue(value)}`;
}

/**
 * Checks a whole options argument and returns a frozen copy of it, or throws a TypeError that names
 * the option. `where` says who was called (`@profile` or `configure`).
 */
export function validateOptions(options: unknown, where: string): Readonly<ProfileOptions> {
  if (options === undefined) return Object.freeze({});
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`ts-memory-profiler: ${where} options must be an object, got ${describeValue(options)}`);
  }
  const copy: Record<string, unknown> = {};
  for (const name of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[name];
    const problem = checkOption(name, value);
    if (problem) throw new TypeError(`ts-memory-profiler: ${where}: ${problem}`);
    if (value !== undefined) copy[name] = value;
  }
  return Object.freeze(copy) as Readonly<ProfileOptions>;
}
