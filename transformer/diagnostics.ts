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

export function diagnoser(tsi: typeof ts, file: ts.SourceFile, addDiagnostic?: (diagnostic: ts.Diagnostic) => unknown): Diagnose {
  return (at, code, message) => {
    const start = 'kind' in at ? at.getStart(file) : at.start;
    const length = 'kind' in at ? at.getEnd() - start : at.length;
    const text = `ts-memory-profiler: ${message}`;
    if (addDiagnostic) {
      addDiagnostic({ file, start, length, messageText: text, category: tsi.DiagnosticCategory.Error, code });
      return;
    }
    const { line, character } = file.getLineAndCharacterOfPosition(start);
    throw new Error(`${file.fileName}(${line + 1},${character + 1}): error TS${code}: ${text}`);
  };
}
