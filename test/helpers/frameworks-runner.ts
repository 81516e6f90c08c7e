/**
 * Runs one built framework app (test/fixtures/frameworks/*) in a process of its own, for
 * test/frameworks.test.ts: `node frameworks-runner.js <app.js> <profiled|baseline>`. Awaits the app's
 * main() and writes one JSON line to stdout: what the app observed, and a summary of each report.
 *
 * For a build without @profile the profiler is not loaded at all, so that the app sees exactly what
 * it would see without this package (no global it might install). For a profiled build the reports
 * go to a sink through `configure` (the app loads the same module instance when it imports the
 * package), and the line tables published on the app's exported classes are listed.
 */
import type { Report } from 'ts-memory-profiler';

interface Summary {
  name: string;
  /** Rows that ran: 1 is the decorator line only (a method that was not instrumented). */
  rowsRun: number;
}

async function start(): Promise<void> {
  const [app, mode] = process.argv.slice(2);
  const reports: Summary[] = [];
  if (mode === 'profiled') {
    const { configure } = require('ts-memory-profiler') as typeof import('ts-memory-profiler');
    configure({
      stream: { write: () => true },
      onReport: (report: Report) => reports.push({ name: report.name, rowsRun: report.lines.filter((l) => l.occurrences > 0).length }),
    });
  } else if (mode !== 'baseline') {
    throw new Error(`mode must be profiled or baseline, got ${mode}`);
  }
  const exports = require(app) as { main: () => Promise<unknown> };
  const observed = await exports.main();
  const published = mode === 'profiled' ? publishedTables(exports) : [];
  process.stdout.write(JSON.stringify({ observed, reports, published }) + '\n');
}

/**
 * The names of the line tables readable through reflect-metadata's own API on the app's exported
 * classes (prototype and constructor), read through its no-conflict entry so that the global
 * `Reflect` is left as the app had it.
 */
function publishedTables(exports: object): string[] {
  const { getOwnMetadata } = require('reflect-metadata/no-conflict') as typeof import('reflect-metadata/no-conflict');
  const { LINES_METADATA_KEY } = require('ts-memory-profiler') as typeof import('ts-memory-profiler');
  const names: string[] = [];
  for (const value of Object.values(exports)) {
    if (typeof value !== 'function' || typeof value.prototype !== 'object') continue;
    for (const target of [value.prototype as object, value]) {
      for (const key of Object.getOwnPropertyNames(target)) {
        const table = getOwnMetadata(LINES_METADATA_KEY, target, key) as { name?: string } | undefined;
        if (table !== undefined) names.push(String(table.name));
      }
    }
  }
  return names.sort();
}

start().catch((error: unknown) => {
  process.stderr.write(`frameworks-runner: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
