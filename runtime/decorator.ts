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
import { callProfiled } from './call';
import { constructUnprofiled } from './construct';
import { warmUp, type Site } from './frame';
import { validateOptions } from './options';
import { sayOnce } from './problems';
import { disabledByEnvironment } from './settings';
import type { LineTable, ProfileOptions } from './types';

type Key = string | symbol;

interface StandardContext {
  kind: string;
  name: Key;
  static?: boolean;
  private?: boolean;
}

const isKey = (v: unknown): v is Key => typeof v === 'string' || typeof v === 'symbol';

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

function decorate(args: [object, Key, PropertyDescriptor | undefined] | [Function, StandardContext], own: Readonly<ProfileOptions>, origin: Error): any {
  if (args.length === 3) return decorateLegacy(args[0], args[1], args[2], own, origin);
  return decorateStandard(args[0], args[1], own, origin);
}

function decorateLegacy(target: object, key: Key, descriptor: PropertyDescriptor | undefined, own: Readonly<ProfileOptions>, origin: Error): PropertyDescriptor {
  const isStatic = typeof target === 'function';
  const owner = (isStatic ? (target as Function).name : (target as { constructor?: Function }).constructor?.name) || '<anonymous>';
  const member = `${owner}.${String(key)}`;
  if (descriptor === undefined || typeof descriptor !== 'object') throw notAMethod(`a property (${member})`);
  if (disabledByEnvironment) return descriptor;
  if (typeof descriptor.value === 'function') {
    return { ...descriptor, value: wrap(descriptor.value, site(own, origin, () => member)) };
  }
  if (descriptor.get === undefined && descriptor.set === undefined) throw notAMethod(`a property (${member})`);
  // One decorator on an accessor pair: both halves are profiled.
  const wrapped = { ...descriptor };
  if (descriptor.get) wrapped.get = wrap(descriptor.get, site(own, origin, () => `${owner}.get ${String(key)}`));
  if (descriptor.set) wrapped.set = wrap(descriptor.set, site(own, origin, () => `${owner}.set ${String(key)}`));
  return wrapped;
}

function decorateStandard(value: Function, context: StandardContext, own: Readonly<ProfileOptions>, origin: Error): Function | undefined {
  const { kind } = context;
  if (kind !== 'method' && kind !== 'getter' && kind !== 'setter') throw notAMethod(`a ${kind} (${String(context.name)})`);
  if (disabledByEnvironment) return undefined;
  const prefix = kind === 'getter' ? 'get ' : kind === 'setter' ? 'set ' : '';
  // The class is not known when a TC39 decorator runs; the name is completed from `this` at the first report.
  const describe = (thisArg: unknown): string => {
    const owner = context.static ? (thisArg as Function | undefined)?.name : (thisArg as { constructor?: Function } | undefined)?.constructor?.name;
    return `${owner || '<anonymous>'}.${prefix}${String(context.name)}`;
  };
  return wrap(value, site(own, origin, describe));
}

const functionSites = new WeakMap<LineTable, Site>();

/**
 * Called by the wrapper the transformer makes of a function declaration with `/** @profile *\/`:
 * profiles one call of its instrumented body `impl`. `new` still constructs, unprofiled.
 */
export function callFunction(table: LineTable, impl: Function, thisArg: unknown, args: ArrayLike<unknown>, newTarget: Function | undefined): unknown {
  if (newTarget !== undefined) return constructUnprofiled(impl, args, newTarget);
  if (disabledByEnvironment) return Reflect.apply(impl, thisArg, args);
  let where = functionSites.get(table);
  if (where === undefined) {
    warmUp();
    where = site(validateOptions(table.options, `/** @profile */ on ${table.name}`), new Error(), () => table.name);
    functionSites.set(table, where);
  }
  return callProfiled(where, impl, thisArg, args);
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
  const wrapped = wrap(original, { ...site(Object.freeze({}), where, () => original.name || '<anonymous>'), inline: false });
  if (wrapped === original || !('prototype' in original)) return wrapped;
  const constructible = function (this: unknown, ...args: unknown[]) {
    return new.target ? constructUnprofiled(original, args, new.target) : Reflect.apply(wrapped, this, args);
  };
  keepNameAndLength(constructible, original);
  constructible.prototype = (original as { prototype: unknown }).prototype;
  return constructible;
}

function isGeneratorFunction(fn: Function): boolean {
  const name = Object.getPrototypeOf(fn)?.constructor?.name;
  return name === 'GeneratorFunction' || name === 'AsyncGeneratorFunction';
}

function site(own: Readonly<ProfileOptions>, origin: Error, describe: (thisArg: unknown) => string): Site {
  return { own, table: undefined, describe, origin };
}

/** The wrapper keeps the method's name and length, and, being a method itself, cannot be `new`ed either. */
function wrap<F extends Function>(original: F, where: Site): F {
  if (isGeneratorFunction(original)) {
    // Its body runs at each next(), after the call returned: a report of the call would be empty.
    sayOnce(`generator ${original.name}`, `${original.name || 'a generator method'}: generator methods are not profiled yet; it runs as written`);
    return original;
  }
  warmUp();
  const { wrapper } = {
    wrapper(this: unknown) {
      return callProfiled(where, original, this, arguments);
    },
  };
  keepNameAndLength(wrapper, original);
  return wrapper as unknown as F;
}

function keepNameAndLength(wrapper: Function, original: Function): void {
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
}
