/**
 * `before(options?)`: the transformer as a plain `before` factory, for hosts that take custom
 * transformers in code rather than through ts-patch (ts-loader's `getCustomTransformers`,
 * `@rollup/plugin-typescript`'s `transformers.before`, ts-node's `transformers`, `ts.transpileModule`).
 *
 * It needs no type checker: `profile` is recognised by its import. Those hosts have no channel for
 * diagnostics, so a misuse of `@profile` is thrown as an Error naming the file, line and column, which
 * the host reports as a failed build.
 */
import type * as ts from 'typescript';
import { unknownOption } from '../runtime/option-rules';
import { profileTransformerFactory } from './transformer';

export interface BeforeOptions {
  /** The TypeScript the host compiles with (default: the one this package depends on). */
  ts?: typeof ts;
  /** A channel for diagnostics, if the host has one; without it, build-time errors are thrown. */
  addDiagnostic?: (diagnostic: ts.Diagnostic) => unknown;
}

const KNOWN = ['ts', 'addDiagnostic'];

export function before(options: BeforeOptions = {}): ts.TransformerFactory<ts.SourceFile> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`ts-memory-profiler: before(options) takes an object, got ${options === null ? 'null' : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) throw new TypeError(`ts-memory-profiler: before(options): ${unknownOption(key, KNOWN)}`);
  }
  if (options.ts !== undefined && (typeof options.ts !== 'object' || options.ts === null || typeof options.ts.factory !== 'object')) {
    throw new TypeError("ts-memory-profiler: before(options): option 'ts' must be the typescript module");
  }
  if (options.addDiagnostic !== undefined && typeof options.addDiagnostic !== 'function') {
    throw new TypeError("ts-memory-profiler: before(options): option 'addDiagnostic' must be a function");
  }
  const tsi: typeof ts = options.ts ?? require('typescript');
  return profileTransformerFactory(tsi, { addDiagnostic: options.addDiagnostic });
}
