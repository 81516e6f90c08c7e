/**
 * The profiler's own troubles go to stderr, each kind once per process, and never into the
 * profiled method's result.
 */
const said = new Set<string>();

/** How to build with the transformer, for the words said when a method or generator was built without it. */
export const PLUGIN_SETUP = `"plugins": [{ "transform": "ts-memory-profiler/transformer" }] in tsconfig.json compilerOptions, built with tspc (ts-patch)`;

export function sayOnce(kind: string, message: string): void {
  if (said.has(kind)) return;
  said.add(kind);
  try {
    process.stderr.write(`ts-memory-profiler: ${message}\n`);
  } catch {
    // Nowhere left to say it.
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return 'an unprintable value';
  }
}
