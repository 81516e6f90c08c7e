/**
 * reflect-metadata, without touching globals: the line tables are published, and a wrapper takes over
 * the metadata of the function it replaces, through `reflect-metadata/no-conflict`. reflect-metadata
 * 0.2's copies share one registry, so what is defined here is what a program that loads
 * `reflect-metadata` itself reads through `Reflect.getMetadata`, and the other way round.
 *
 * It is loaded at its first use, not when the package is imported: importing the package changes
 * nothing global (no-conflict keeps its shared registry under a symbol on `Reflect`, which a program
 * that never defines a profiled class never gets).
 */
import { describeError, sayOnce } from './stderr';

type NoConflict = typeof import('reflect-metadata/no-conflict');

let api: NoConflict | null | undefined;

function load(): NoConflict | null {
  if (api === undefined) {
    try {
      api = require('reflect-metadata/no-conflict') as NoConflict;
    } catch (error) {
      api = null;
      sayOnce('metadata-load', `could not load reflect-metadata, line tables are not published as metadata: ${describeError(error)}`);
    }
  }
  return api;
}

/**
 * The API to use: the global one when the program installed it (`import 'reflect-metadata'`, 0.2 or
 * an older 0.1 that keeps its own store, as Nest 10 apps may have), else no-conflict's.
 */
function metadataApi(): NoConflict | null {
  const reflect = Reflect as unknown as Partial<NoConflict>;
  if (
    typeof reflect.defineMetadata === 'function' &&
    typeof reflect.getOwnMetadataKeys === 'function' &&
    typeof reflect.getOwnMetadata === 'function'
  ) {
    return reflect as NoConflict;
  }
  return load();
}

/** `Reflect.defineMetadata(key, value, target, property)` through reflect-metadata's own API. */
export function defineMetadata(key: string, value: unknown, target: object, property: string | symbol): void {
  metadataApi()?.defineMetadata(key, value, target, property);
}

const REGISTRY = Symbol.for('@reflect-metadata:registry');

/**
 * Is there any reflect-metadata in this process: a 0.2 registry (any copy, ours included), or an
 * older version's global functions? If not, no function can carry metadata to copy.
 */
function metadataInUse(): boolean {
  const reflect = Reflect as unknown as Record<string | symbol, unknown>;
  return REGISTRY in reflect || typeof reflect.getOwnMetadataKeys === 'function';
}

/**
 * Puts on `wrapper` what decorators applied before `@profile` put on `original`: its
 * reflect-metadata entries (NestJS's route, guard, pipe... metadata live on the method function) and
 * its own properties, except `name` and `length` (set already) and what the wrapper has itself.
 * Never throws: a property or entry that cannot be copied is said once on stderr.
 */
export function copyDecorations(original: Function, wrapper: Function): void {
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'name' || key === 'length' || Object.prototype.hasOwnProperty.call(wrapper, key)) continue;
    try {
      Object.defineProperty(wrapper, key, Object.getOwnPropertyDescriptor(original, key)!);
    } catch (error) {
      sayOnce(
        'copy',
        `could not copy the property ${String(key)} of ${original.name || 'a method'} to its profiled wrapper: ${describeError(error)}`,
      );
    }
  }
  if (!metadataInUse()) return;
  const metadata = metadataApi();
  if (metadata === null) return;
  try {
    for (const key of metadata.getOwnMetadataKeys(original)) {
      metadata.defineMetadata(key, metadata.getOwnMetadata(key, original), wrapper);
    }
  } catch (error) {
    sayOnce('copy', `could not copy the metadata of ${original.name || 'a method'} to its profiled wrapper: ${describeError(error)}`);
  }
}
