/**
 * ts-memory-profiler's runtime: `@profile`, `configure`, and the hooks the transformer's code calls.
 */
export { profile } from './decorator';
export { configure } from './settings';
export { LINES_METADATA_KEY, registeredLineTables } from './registry';
export { formatText, formatJson, formatMiB } from './report';
export { memoryUsage } from './memory-usage';
export { toPprof } from './report/pprof';
export type { MemoryUsage, MemoryUsageOptions, MemorySample } from './memory-usage';
export type { LineTable, ProfileOptions, Report, ReportLine, ReportStream } from './types';

// Called by code that the transformer emits; not meant to be called by hand. Their names are
// runtime/emitted-names.ts's HOOKS, which the transformer emits (test/contract.test.ts checks both).
export { line as __line, yielding as __yielding } from './frame';
export { register as __register } from './registry';
export { enter as __enter, leave as __leave } from './call';
export { callFunction as __function, instrumented as __instrumented } from './decorator';
export { sourceFile as __sourceFile } from './source-file';

/**
 * Instrumented code loads `__line` from this module's exports at every probe (`__mp.__line(frame, n)`).
 * TypeScript's re-exports above are getters defined over the `exports.x = void 0` it writes first,
 * which leaves V8 holding the object in dictionary mode: every probe then paid a generic property
 * lookup and a getter call that the optimising compiler cannot inline (40-60 ns a probe, a fifth of
 * its cost). A plain object of the same values (all functions and constants, never reassigned) is a
 * fast object whose loads V8 turns into constants. The names stay the ones Node's CommonJS export
 * detection finds above, for `import` from ES modules.
 */
module.exports = Object.defineProperty({ ...exports }, '__esModule', { value: true });
