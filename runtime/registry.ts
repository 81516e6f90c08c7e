/**
 * Every instrumented method's line table, kept here and published with reflect-metadata so other
 * tools can find instrumented methods (through reflect-metadata's API, without installing it on the
 * global `Reflect`: see metadata.ts). The transformer emits a `static { register(this, ...) }` block
 * in each class with profiled members.
 */
import { defineMetadata } from './metadata';
import { describeError, sayOnce } from './stderr';
import type { LineTable } from './types';

export const LINES_METADATA_KEY = 'ts-memory-profiler:lines';

const tables = new Set<LineTable>();

/**
 * Called by emitted code while a class is being defined. Metadata goes on the prototype, or on the
 * constructor for static members; members without a property key (`#private`, computed) are kept in
 * the registry only.
 */
export function register(cls: Function | undefined, ...lineTables: LineTable[]): void {
  for (const table of lineTables) {
    tables.add(table);
    // Below ES2022, TypeScript lowers the static block of a class with a legacy class decorator to a
    // function whose `this` is undefined; each legacy member decorator publishes its own tables then.
    if (table.key === undefined || cls === undefined) continue;
    try {
      defineMetadata(LINES_METADATA_KEY, table, table.static ? cls : cls.prototype, table.key);
    } catch (error) {
      // Never let the profiler break a class definition (a frozen prototype, a replaced Reflect).
      sayOnce('metadata', `could not publish the line table of ${table.name}: ${describeError(error)}`);
    }
  }
}

/**
 * Called by a legacy (`experimentalDecorators`) `@profile` on an instrumented member: its tables, on
 * the decorator's target (the prototype, or the constructor for static members), whatever the static
 * block could do.
 */
export function registerMember(target: object, lineTables: readonly LineTable[]): void {
  for (const table of lineTables) {
    tables.add(table);
    if (table.key === undefined) continue;
    try {
      defineMetadata(LINES_METADATA_KEY, table, target, table.key);
    } catch (error) {
      sayOnce('metadata', `could not publish the line table of ${table.name}: ${describeError(error)}`);
    }
  }
}

/** All line tables registered so far, in the order their classes were defined. */
export function registeredLineTables(): LineTable[] {
  return [...tables];
}
