/**
 * `ts-memory-profiler/transformer`: the ts-patch program transformer (default export).
 *
 *   tsconfig.json: "plugins": [{ "transform": "ts-memory-profiler/transformer" }]
 *
 * It uses the TypeScript instance its host hands it, and runs in the default `before` stage (after it,
 * TypeScript has already lowered the decorators it looks for).
 *
 * Hosts that take transformers in code (ts-loader, @rollup/plugin-typescript, ts-node) use the named
 * export `before()` instead (transformer/before.ts).
 */
import type * as ts from 'typescript';
import { profileTransformerFactory } from './transformer';

export { profileTransformerFactory };
export { before, type BeforeOptions } from './before';

export interface ProgramTransformerExtras {
  ts?: typeof ts;
  addDiagnostic?: (diagnostic: ts.Diagnostic) => unknown;
}

export default function profileTransformer(
  _program?: ts.Program,
  _config?: unknown,
  extras: ProgramTransformerExtras = {},
): ts.TransformerFactory<ts.SourceFile> {
  const tsi: typeof ts = extras.ts ?? require('typescript');
  return profileTransformerFactory(tsi, { addDiagnostic: extras.addDiagnostic });
}
