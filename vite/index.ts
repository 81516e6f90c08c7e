/**
 * `ts-memory-profiler/vite`: a Vite plugin that runs the transformer, since Vite's own TypeScript
 * step (esbuild, or Oxc in Vite 8) runs no TypeScript transformers.
 *
 *   vite.config.ts: import { memoryProfiler } from 'ts-memory-profiler/vite'; ... plugins: [memoryProfiler()]
 *
 * A named export only: this module is CommonJS, and a default export would reach an ESM config as
 * the module object rather than the function.
 *
 * It runs before Vite's TypeScript step (`enforce: 'pre'`) on .ts/.tsx/.mts/.cts files that import
 * this package or carry `@profile`: `ts.transpileModule` with the transformer, decorators lowered by
 * TypeScript as the project's tsconfig says (`experimentalDecorators` or TC39), JSX and the rest left
 * for Vite. Other files pass untouched. A misuse of `@profile` fails the build with file and line.
 */
import * as path from 'path';
import type * as ts from 'typescript';
import { unknownOption } from '../runtime/option-rules';
import { before } from '../transformer/before';
import { PACKAGE } from '../transformer/imports';
import { nearestConfigFile, readProjectConfig } from '../transformer/project';

export interface MemoryProfilerPluginOptions {
  /** The tsconfig.json whose decorator settings apply (default: the nearest one above each file). */
  tsconfig?: string;
  /** The TypeScript to transpile with (default: the one this package depends on). */
  ts?: typeof ts;
}

/** The part of Vite's (and Rollup's) plugin interface this plugin uses. */
export interface MemoryProfilerPlugin {
  name: string;
  enforce: 'pre';
  transform(code: string, id: string): { code: string; map: string | null } | null;
}

const SOURCE = /\.(ts|tsx|mts|cts)$/;

/** The compiler options of a tsconfig that change what the decorators emit. */
const KEPT = [
  'experimentalDecorators',
  'emitDecoratorMetadata',
  'useDefineForClassFields',
  'verbatimModuleSyntax',
  'preserveValueImports',
] as const;

export function memoryProfiler(options: MemoryProfilerPluginOptions = {}): MemoryProfilerPlugin {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('ts-memory-profiler/vite: memoryProfiler(options) takes an object');
  for (const key of Object.keys(options)) {
    if (key !== 'tsconfig' && key !== 'ts') throw new TypeError(`ts-memory-profiler/vite: ${unknownOption(key, ['tsconfig', 'ts'])}`);
  }
  if (options.tsconfig !== undefined && typeof options.tsconfig !== 'string')
    throw new TypeError("ts-memory-profiler/vite: option 'tsconfig' must be a path");
  const tsi: typeof ts = options.ts ?? require('typescript');
  const transformer = before({ ts: tsi });
  function projectOptions(file: string): ts.CompilerOptions {
    const configFile = options.tsconfig !== undefined ? path.resolve(options.tsconfig) : nearestConfigFile(tsi, file);
    if (configFile === undefined) return {};
    const config = readProjectConfig(tsi, configFile);
    if (config.readError)
      throw new Error(`ts-memory-profiler/vite: ${tsi.flattenDiagnosticMessageText(config.readError.messageText, '\n')}`);
    const kept: ts.CompilerOptions = {};
    for (const key of KEPT) if (config.options[key] !== undefined) kept[key] = config.options[key];
    return kept;
  }

  return {
    name: 'ts-memory-profiler',
    enforce: 'pre',
    transform(code, id) {
      const file = id.replace(/[?#].*$/, '');
      if (!SOURCE.test(file) || file.includes(`${path.sep}node_modules${path.sep}`) || file.startsWith('\0')) return null;
      if (!code.includes(PACKAGE) && !/@profile\b/.test(code)) return null;
      const output = tsi.transpileModule(code, {
        fileName: file,
        compilerOptions: {
          ...projectOptions(file),
          target: tsi.ScriptTarget.ES2022,
          module: tsi.ModuleKind.ESNext,
          jsx: tsi.JsxEmit.Preserve,
          sourceMap: true,
          inlineSources: true,
        },
        transformers: { before: [transformer] },
      });
      return { code: output.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n'), map: output.sourceMapText ?? null };
    },
  };
}
