/**
 * Reports for methods that were decorated but not instrumented (built with plain tsc, tsx, esbuild):
 * the decorator line only, carrying the whole call from entry to exit, plus a one-time hint.
 */
import * as fs from 'fs';
import { fileURLToPath } from 'url';
import type { Site } from './frame';
import { PLUGIN_SETUP, sayOnce } from './stderr';
import type { LineTable } from './types';

// Frames of TypeScript's decorator helpers (and reflect-metadata's Reflect.decorate, which they call
// when it exists) are not where the user wrote @profile; the profiler's own frames are already cut.
const HELPERS = /\b(__decorate|__esDecorate|__runInitializers|__decorateClass|__legacyDecorateClassTS)\b/;
const LOCATION = /\(?((?:file:\/\/)?[^()\s]+):(\d+):\d+\)?\s*$/;

function decoratorLocation(origin: Error): { file: string; line: number } | undefined {
  const frames = (origin.stack ?? '').split('\n').slice(1);
  for (const frame of frames) {
    if (HELPERS.test(frame) || frame.includes('node:') || /[\\/]reflect-metadata[\\/]/.test(frame)) continue;
    const match = LOCATION.exec(frame);
    if (!match) continue;
    const file = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1];
    return { file, line: Number(match[2]) };
  }
  return undefined;
}

const DECORATOR = /@[\w.$]*profile\b/;

/**
 * Under tsx or --enable-source-maps the location is in the .ts source, on the decorated member or its
 * decorator: the decorator's line is then used. In emitted JavaScript it is TypeScript's decorator
 * helper call, which says nothing to the reader: then there is no source line.
 */
function decoratorLine(file: string, line: number): { line: number; text: string } | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  } catch {
    return undefined;
  }
  for (let at = line; at >= Math.max(1, line - 5); at--) {
    if (DECORATOR.test(lines[at - 1] ?? '')) return { line: at, text: lines[at - 1] };
  }
  return undefined;
}

export function fallbackTable(site: Site, name: string): LineTable {
  sayOnce(
    'not-instrumented',
    site.inline === false
      ? `${name} was not instrumented, so its report has one line (the whole call, entry to exit): only a ` +
          `function written inside the call, profile(function ${name}() {...}), is instrumented, with ${PLUGIN_SETUP}.`
      : `${name} was not instrumented when it was built, so its report has the decorator line only ` +
          `(the whole call, entry to exit). For line-by-line reports: ${PLUGIN_SETUP}.`,
  );
  const where = decoratorLocation(site.origin);
  const found = where && decoratorLine(where.file, where.line);
  const file = where?.file ?? '<unknown>';
  const line = found?.line ?? where?.line ?? 0;
  const source = found?.text ?? `@profile  (${name})`;
  return { file, name, static: false, entry: line, first: line, lines: [source] };
}
