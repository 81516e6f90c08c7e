/**
 * The CommonJS side of the loader (Node's `require.extensions`): `.ts`, `.tsx` and `.cts` files that
 * Node runs as CommonJS are compiled in memory when required, and `require('./util.js')` finds
 * `./util.ts` (or `./util.tsx`) from a TypeScript file, as TypeScript itself resolves it.
 */
import * as fs from 'fs';
import Module = require('module');
import { BuildError, compile, formatOf, isTypeScript } from './compile';

interface NodeModule {
  filename: string;
  _compile(code: string, filename: string): unknown;
}

interface ModuleInternals {
  _extensions: Record<string, (module: NodeModule, filename: string) => void>;
  _resolveFilename(request: string, parent: NodeModule | undefined, isMain: boolean, options?: unknown): string;
}

const internals = Module as unknown as ModuleInternals;

let installed = false;

/** Compiles a CommonJS TypeScript file: on the compiler's thread (loader/channel.ts) or, without one, here. */
type CompileCommonJs = (file: string) => string;

let compileCommonJs: CompileCommonJs = (file) => compile(file, fs.readFileSync(file, 'utf8'), 'commonjs');

export function installRequireHooks(compileElsewhere?: CompileCommonJs): void {
  if (installed) return;
  installed = true;
  if (compileElsewhere) compileCommonJs = compileElsewhere;
  for (const extension of ['.ts', '.cts', '.mts', '.tsx']) internals._extensions[extension] = loadTypeScript;
  const resolveFilename = internals._resolveFilename;
  internals._resolveFilename = function (request, parent, isMain, options) {
    try {
      return resolveFilename.call(this, request, parent, isMain, options);
    } catch (error) {
      const other = typeScriptSpecifier(request);
      if (
        (error as { code?: unknown }).code !== 'MODULE_NOT_FOUND' ||
        other === undefined ||
        !parent ||
        !isTypeScript(parent.filename ?? '')
      )
        throw error;
      for (const candidate of other.endsWith('.ts') ? [other, `${other}x`] : [other]) {
        try {
          return resolveFilename.call(this, candidate, parent, isMain, options);
        } catch {
          // The next one, else the original error.
        }
      }
      throw error;
    }
  };
}

/** `./util.js` -> `./util.ts` (`.mjs` -> `.mts`, `.cjs` -> `.cts`) for a relative or absolute path. */
export function typeScriptSpecifier(specifier: string): string | undefined {
  if (!/^(\.{1,2}\/|\/)/.test(specifier)) return undefined;
  const match = /\.([mc]?)js$/.exec(specifier);
  return match ? `${specifier.slice(0, -match[0].length)}.${match[1]}ts` : undefined;
}

function loadTypeScript(module: NodeModule, filename: string): void {
  if (formatOf(filename) === 'module') {
    const error = new Error(
      `require() of ES Module ${filename} not supported: start node with --import ts-memory-profiler/register to run ES modules`,
    );
    (error as Error & { code: string }).code = 'ERR_REQUIRE_ESM';
    throw error;
  }
  let code: string;
  try {
    code = compileCommonJs(filename);
  } catch (error) {
    if (!(error instanceof BuildError)) throw error;
    // The program does not build: say so as tsc would, and do not run it.
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  module._compile(code, filename);
}
