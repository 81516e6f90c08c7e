/**
 * ts-memory-profiler's runtime: `@profile`, `configure`, and the hooks the transformer's code calls.
 */
export { profile } from './decorator';
export { configure } from './settings';
export { LINES_METADATA_KEY, registeredLineTables } from './registry';
export { formatText, formatJson, formatMiB } from './report';
export { memoryUsage } from './memory-usage';
export { toPprof } from './pprof';
export type { MemoryUsage, MemoryUsageOptions, MemorySample } from './memory-usage';
export type { LineTable, ProfileOptions, Report, ReportLine, ReportStream } from './types';

// Called by code that the transformer emits; not meant to be called by hand.
export { line as __line, yielding as __yielding } from './frame';
export { register as __register } from './registry';
export { enter as __enter, leave as __leave } from './call';
export { callFunction as __function, instrumented as __instrumented } from './decorator';
export { sourceFile as __sourceFile } from './source-file';
