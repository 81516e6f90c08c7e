/**
 * `@profile`: tells its three forms apart, checks the options, and wraps the method so each call gets
 * a frame and writes a report.
 *
 * Legacy decorators (`experimentalDecorators`) are called `(target, key, descriptor)`: three
 * arguments, a property key second. TC39 decorators are called `(value, context)` with a context
 * object second. Anything else is a factory call, `@profile()` or `@profile({...})`. The first
 * argument alone cannot tell them apart: a legacy static method's target is a function, like a TC39
 * method, and a legacy instance method's target is an object, like an options object.
 */
import { callProfiled, ownCalls } from './call';
import type { Site } from './frame';
import { warmUp } from './warm-up';
import { callGenerator } from './generator';
import { copyDecorations } from './metadata';
import { validateOptions } from './option-rules';
import { registerMember } from './registry';
import { disabledByEnvironment } from './settings';
import type { LineTable, ProfileOptions } from './types';

type Key = string | symbol;

interface StandardContext {
  kind: string;
  name: Key;
  static?: boolean;
  private?: boolean;
}

/**
 * TypeScript's `__decorate` passes a numeric method name (`42() {}`) as a number; reflect-metadata's
 * `Reflect.decorate`, which the helper calls instead when it is installed, as a string.
 */
const isKey = (v: unknown): v is Key => typeof v === 'string' || typeof v === 'symbol' || typeof v === 'number';

function isLegacyCall(args: unknown[]): args is [object, Key, PropertyDescriptor | undefined] {
  const [target, key] = args;
  return args.length === 3 && (typeof target === 'object' || typeof target === 'function') && target !== null && isKey(key);
}

/** Legacy parameter decorators get `(target, key, index)`; the key is undefined for constructor parameters. */
function isParameterCall(args: unknown[]): boolean {
  return args.length === 3 && typeof args[2] === 'number';
}

function isStandardCall(args: unknown[]): args is [Function, StandardContext] {
  const context = args[1] as StandardContext | null;
  return args.length === 2 && typeof context === 'object' && context !== null && typeof context.kind === 'string' && 'name' in context;
}

function notAMethod(what: string): TypeError {
  return new TypeError(`ts-memory-profiler: @profile can only decorate a method or a get/set accessor, not ${what}`);
}

export function profile<F extends (...args: any[]) => any>(fn: F): F;
export function profile(options?: ProfileOptions): (...args: any[]) => any;
export function profile(target: object, key: Key, descriptor: PropertyDescriptor): any;
export function profile(value: Function, context: unknown): any;
export function profile(...args: unknown[]): any {
  if (isParameterCall(args)) throw notAMethod('a parameter');
  if (isLegacyCall(args) || isStandardCall(args)) return decorate(args, Object.freeze({}), origin(profile));
  if (args.length > 1) throw new TypeError(`ts-memory-profiler: @profile(options) takes one argument, got ${args.length}`);
  if (typeof args[0] === 'function') {
    const fn = args[0] as Function;
    if (args.length === 1 && !isClass(fn)) return profileFunction(fn, origin(profile));
    throw notAMethod(`a class (${fn.name || 'anonymous'})`);
  }
  const own = validateOptions(args[0], '@profile');
  return function profileDecorator(...inner: unknown[]): any {
    if (isParameterCall(inner)) throw notAMethod('a parameter');
    if (isLegacyCall(inner) || isStandardCall(inner)) return decorate(inner, own, origin(profileDecorator));
    throw notAMethod(typeof inner[0] === 'function' ? `a class (${(inner[0] as Function).name || 'anonymous'})` : 'this');
  };
}

/** Where the decorator is being applied: the stack from the caller of `entry` (the profiler's frames left out). */
function origin(entry: Function): Error {
  const where = new Error('@profile applied here');
  Error.captureStackTrace(where, entry);
  return where;
}

/**
 * The line tables of the member being decorated, while `instrumented` runs its decorator: undefined
 * for a member the transformer did not instrument.
 */
let decorating: readonly LineTable[] | undefined;

/**
 * What the transformer makes of `@profile` / `@profile({...})` on a member it instrumented, and of
 * `profile(function () {...})`: `__instrumented(profile, table, ...)`, the same decorator told which
 * line tables the member's body (and, for a legacy accessor pair, its other half) records into.
 */
export function instrumented(decorator: (...args: unknown[]) => unknown, ...tables: LineTable[]): (...args: unknown[]) => unknown {
  return function (this: unknown, ...args: unknown[]) {
    const outer = decorating;
    decorating = tables;
    try {
      return Reflect.apply(decorator, this, args);
    } finally {
      decorating = outer;
    }
  };
}

/** The instrumented table of the member being decorated; of an accessor half, the one named `get x` / `set x`. */
function tableFor(prefix: '' | 'get ' | 'set '): LineTable | undefined {
  const tables = decorating;
  if (tables === undefined) return undefined;
  if (prefix === '') return tables[0];
  return tables.find((t) => t.name.includes(`.${prefix}`));
}

function decorate(
  args: [object, Key, PropertyDescriptor | undefined] | [Function, StandardContext],
  own: Readonly<ProfileOptions>,
  origin: Error,
): any {
  if (args.length === 3) return decorateLegacy(args[0], args[1], args[2], own, origin);
  return decorateStandard(args[0], args[1], own, origin);
}

function decorateLegacy(
  target: object,
  key: Key,
  descriptor: PropertyDescriptor | undefined,
  own: Readonly<ProfileOptions>,
  origin: Error,
): PropertyDescriptor {
  const isStatic = typeof target === 'function';
  const owner = (isStatic ? (target as Function).name : (target as { constructor?: Function }).constructor?.name) || '<anonymous>';
  const member = `${owner}.${String(key)}`;
  if (descriptor === undefined || typeof descriptor !== 'object') throw notAMethod(`a property (${member})`);
  if (decorating !== undefined) registerMember(target, decorating);
  if (disabledByEnvironment) return descriptor;
  if (typeof descriptor.value === 'function') {
    const where = site(own, origin, () => member, tableFor(''));
    return ownsItsCalls(descriptor.value, where) ? descriptor : { ...descriptor, value: wrap(descriptor.value, where) };
  }
  if (descriptor.get === undefined && descriptor.set === undefined) throw notAMethod(`a property (${member})`);
  // One decorator on an accessor pair: both halves are profiled; an instrumented half keeps its function.
  const profiled = (half: Function, prefix: 'get ' | 'set '): Function => {
    const where = site(own, origin, () => `${owner}.${prefix}${String(key)}`, tableFor(prefix));
    return ownsItsCalls(half, where) ? half : wrap(half, where);
  };
  const get = descriptor.get && profiled(descriptor.get, 'get ');
  const set = descriptor.set && profiled(descriptor.set, 'set ');
  if (get === descriptor.get && set === descriptor.set) return descriptor;
  return { ...descriptor, get: get as PropertyDescriptor['get'], set: set as PropertyDescriptor['set'] };
}

function decorateStandard(value: Function, context: StandardContext, own: Readonly<ProfileOptions>, origin: Error): Function | undefined {
  const { kind } = context;
  if (kind !== 'method' && kind !== 'getter' && kind !== 'setter') throw notAMethod(`a ${kind} (${String(context.name)})`);
  if (disabledByEnvironment) return undefined;
  const prefix = kind === 'getter' ? 'get ' : kind === 'setter' ? 'set ' : ('' as const);
  // The class is not known when a TC39 decorator runs; the name is completed from `this` at the first report.
  const describe = (thisArg: unknown): string => {
    const owner = context.static
      ? (thisArg as Function | undefined)?.name
      : (thisArg as { constructor?: Function } | undefined)?.constructor?.name;
    return `${owner || '<anonymous>'}.${prefix}${String(context.name)}`;
  };
  const where = site(own, origin, describe, tableFor(prefix));
  return ownsItsCalls(value, where) ? undefined : wrap(value, where);
}

/**
 * An instrumented method or accessor that is not a generator needs no wrapper: its body opens and
 * ends each call itself, so a recursive method takes one stack frame a level, not four, and whatever
 * decorators below `@profile` did with the function (MobX's `@computed` keeps the getter it was
 * given and calls it itself; a WeakMap keyed by the method) still holds. A class evaluated again
 * shares the first evaluation's site when its options are the same; otherwise it is wrapped (see
 * call.ts, ownCalls).
 */
function ownsItsCalls(method: Function, where: Site): boolean {
  if (where.table === undefined || generatorKind(method) !== undefined || !ownCalls(where.table, where)) return false;
  warmUp();
  return true;
}

const functionSites = new WeakMap<LineTable, Site>();

/**
 * Called by the wrapper the transformer makes of a function declaration with `/** @profile *\/`:
 * profiles one call of its instrumented body `impl`. `new` still constructs, unprofiled.
 */
export function callFunction(
  table: LineTable,
  impl: Function,
  thisArg: unknown,
  args: ArrayLike<unknown>,
  newTarget: Function | undefined,
): unknown {
  if (newTarget !== undefined) return Reflect.construct(impl, args, newTarget);
  if (disabledByEnvironment) return Reflect.apply(impl, thisArg, args);
  let where = functionSites.get(table);
  if (where === undefined) {
    warmUp();
    where = site(validateOptions(table.options, `/** @profile */ on ${table.name}`), new Error(), () => table.name, table);
    functionSites.set(table, where);
  }
  const kind = generatorKind(impl);
  return kind === undefined ? callProfiled(where, impl, thisArg, args) : callGenerator(where, impl, thisArg, args, kind === 'async');
}

function isClass(fn: Function): boolean {
  try {
    return /^class\b/.test(Function.prototype.toString.call(fn));
  } catch {
    return false;
  }
}

/**
 * `profile(function name() {...})`, `profile((x) => {...})`: the function, profiled (instrumented
 * line by line when the transformer saw the call). `new` on it still constructs, unprofiled.
 */
function profileFunction(original: Function, where: Error): Function {
  if (disabledByEnvironment) return original;
  const table = tableFor('');
  const wrapped = wrap(original, {
    ...site(Object.freeze({}), where, () => original.name || '<anonymous>', table),
    inline: table !== undefined,
  });
  if (generatorKind(original) !== undefined || !('prototype' in original)) return wrapped;
  const constructible = function (this: unknown, ...args: unknown[]) {
    return new.target ? Reflect.construct(original, args, new.target) : Reflect.apply(wrapped, this, args);
  };
  keepNameAndLength(constructible, original);
  constructible.prototype = (original as { prototype: unknown }).prototype;
  copyDecorations(original, constructible);
  return constructible;
}

function generatorKind(fn: Function): 'sync' | 'async' | undefined {
  const name = Object.getPrototypeOf(fn)?.constructor?.name;
  return name === 'GeneratorFunction' ? 'sync' : name === 'AsyncGeneratorFunction' ? 'async' : undefined;
}

function site(own: Readonly<ProfileOptions>, origin: Error, describe: (thisArg: unknown) => string, table: LineTable | undefined): Site {
  return { own, table, describe, origin };
}

/**
 * The wrapper keeps the method's name and length, its own properties and reflect-metadata, and, being
 * a method itself, cannot be `new`ed either.
 * It keeps the original's kind for code that looks (`fn instanceof GeneratorFunction`,
 * `fn.constructor.name === 'AsyncFunction'`), and a generator's `prototype`, which its generator
 * objects inherit.
 */
function wrap<F extends Function>(original: F, where: Site): F {
  warmUp();
  const kind = generatorKind(original);
  const { wrapper } =
    kind === undefined
      ? {
          wrapper(this: unknown) {
            return callProfiled(where, original, this, arguments);
          },
        }
      : {
          wrapper(this: unknown) {
            return callGenerator(where, original, this, arguments, kind === 'async');
          },
        };
  keepNameAndLength(wrapper, original);
  const kindOf = Object.getPrototypeOf(original);
  if (kindOf !== Object.getPrototypeOf(wrapper)) Object.setPrototypeOf(wrapper, kindOf);
  if (kind !== undefined)
    Object.defineProperty(wrapper, 'prototype', { value: (original as { prototype?: unknown }).prototype, writable: true });
  // What decorators applied before @profile put on the function (NestJS's routes and guards are
  // reflect-metadata on it) is read from whatever function ends up on the class: the wrapper.
  copyDecorations(original, wrapper);
  return wrapper as unknown as F;
}

function keepNameAndLength(wrapper: Function, original: Function): void {
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
}
