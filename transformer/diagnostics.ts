/**
 * Build-time errors: a tsc diagnostic with file and line when the host gives us a channel for it
 * (ts-patch's `addDiagnostic`), else an Error whose message has file, line and column.
 */
import type * as ts from 'typescript';

export const enum Code {
  NotAMethod = 990001,
  NoBody = 990002,
  BadOptions = 990003,
  Twice = 990004,
}

/** Where a problem is: a node, or a span of the file's text (a tag inside a comment has no node). */
export type Span = ts.Node | { start: number; length: number };

export type Diagnose = (at: Span, code: Code, message: string) => void;

/**
 * An error as tsc prints it: `file(line,col): error TSnnnn: message`, line and column from 1 (`error:`
 * alone for one that has no TypeScript code). The one formatter for the transformer's errors and
 * `ts-mprof run`'s (loader/compile.ts).
 */
export function tscError(fileName: string, file: ts.SourceFile, start: number, code: number | undefined, message: string): string {
  const { line, character } = file.getLineAndCharacterOfPosition(start);
  return `${fileName}(${line + 1},${character + 1}): error${code === undefined ? '' : ` TS${code}`}: ${message}`;
}

export function diagnoser(tsi: typeof ts, file: ts.SourceFile, addDiagnostic?: (diagnostic: ts.Diagnostic) => unknown): Diagnose {
  return (at, code, message) => {
    const start = 'kind' in at ? at.getStart(file) : at.start;
    const length = 'kind' in at ? at.getEnd() - start : at.length;
    const text = `ts-memory-profiler: ${message}`;
    if (addDiagnostic) {
      addDiagnostic({ file, start, length, messageText: text, category: tsi.DiagnosticCategory.Error, code });
      return;
    }
    throw new Error(tscError(file.fileName, file, start, code, text));
  };
}
