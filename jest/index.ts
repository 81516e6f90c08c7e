/**
 * `ts-memory-profiler/jest`: the transformer in the shape ts-jest's `astTransformers` loads
 * (a module exporting `name`, `version` and `factory`).
 *
 *   transform: { '^.+\\.tsx?$': ['ts-jest', { astTransformers: { before: ['ts-memory-profiler/jest'] } }] }
 *
 * ts-jest keys its cache on `name` and `version`, so `version` is this package's: a new release
 * re-transforms cached files. A misuse of `@profile` fails the test file with file and line.
 */
import type * as ts from 'typescript';
import { before } from '../transformer/before';

/** The part of ts-jest's compiler instance used here: the TypeScript it compiles with. */
interface TsJestCompiler {
  configSet?: { compilerModule?: typeof ts };
}

export const name = 'ts-memory-profiler';
export const version: string = (require('../../package.json') as { version: string }).version;

export function factory(compiler?: TsJestCompiler): ts.TransformerFactory<ts.SourceFile> {
  return before({ ts: compiler?.configSet?.compilerModule });
}
