/**
 * Reports for methods that were decorated but not instrumented (built with plain tsc, tsx, esbuild):
 * the decorator line only, carrying the whole call from entry to exit, plus a one-time hint.
 */
import * as fs from 'fs';
import { fileURLToPath } from 'url';
import type { Site } from './frame';
import { sayOnce } from './problems';
import type { LineTable } from './types';

// Frames of the profiler itself and of TypeScript's decorator helpers are not where the user wrote @profile.
const HELPERS = /\b(__decorate|__esDecorate|__runInitializers|__decorateClass|__legacyDecorateClassTS)\b/;
const LOCATION = /\(?((?:file:\/\/)?[^()\s]+):(\d+):\d+\)?\s*$/;

function decoratorLocation(origin: Error): { file: string; line: number } | undefined {
  const frames = (origin.stack ?? '').split('\n').slice(1);
  for (const frame of frames) {
    if (HELPERS.test(frame) || frame.includes(__dirname) || frame.includes('node:')) continue;
    const match = LOCATION.exec(frame);
    if (!match) continue;
    const file = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1];
    return { file, line: Number(match[2]) };
  }
  return undefined;
}

function sourceLine(file: string, line: number): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').split(/\r?\n/)[line - 1];
  } catch {
    return undefined;
  }
}

export function fallbackTable(site: Site, name: string): LineTable {
  sayOnce(
    'not-instrumented',
    `${name} was not instrumented when it was built, so its report has the decorator line only ` +
      `(the whole call, entry to exit). Add "plugins": [{ "transform": "ts-memory-profiler/transformer" }] ` +
      `to compilerOptions in tsconfig.json and build with tspc (ts-patch) for line-by-line reports.`,
  );
  const where = decoratorLocation(site.origin);
  const file = where?.file ?? '<unknown>';
  const line = where?.line ?? 0;
  const text = where ? sourceLine(where.file, where.line) : undefined;
  const source = text !== undefined && text.includes('profile') ? text : `@profile  (${name})`;
  return { file, name, static: false, entry: line, first: line, lines: [source] };
}
