/**
 * Compiles one TypeScript file in memory through the profiler's transformer, for `ts-mprof run` and
 * the `ts-memory-profiler/register` loader: no tsconfig plugin, no build step.
 *
 * It always uses this package's own TypeScript (5.9, which has the transformer API), never the
 * user's: a project may have TypeScript 7 (no JavaScript API at all) installed at its top level.
 * Each file is compiled on its own (`transpileModule`: no type checking), with the compiler options
 * of the nearest tsconfig.json, except those that decide the output's shape (module kind, emit).
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as ts from 'typescript';
import { displayPath } from '../runtime/report';
import { tscError } from '../transformer/diagnostics';
import { nearestConfigFile, readProjectConfig } from '../transformer/project';
import { profileTransformerFactory } from '../transformer/transformer';

/** What Node runs a file as: an ES module or CommonJS. */
export type Format = 'module' | 'commonjs';

/** The program does not build: tsc-style lines, `file(line,col): error TSnnnn: message`. */
export class BuildError extends Error {
  override name = 'BuildError';
}

/** Files this loader compiles: `.ts`, `.tsx`, `.mts`, `.cts`, not declaration files. */
export function isTypeScript(file: string): boolean {
  return /\.([mc]?ts|tsx)$/.test(file) && !/\.d\.[mc]?ts$/.test(file);
}

let compiler: typeof ts | undefined;

/** This package's TypeScript, loaded on first use (it takes a few hundred ms). */
export function loadCompiler(): typeof ts {
  if (compiler) return compiler;
  // Resolved from this file, so from this package's own dependencies, not from the user's project.
  const loaded = require('typescript') as typeof ts;
  if (typeof loaded.transpileModule !== 'function') {
    throw new BuildError(
      `ts-memory-profiler: the TypeScript found (${String(loaded.version)}) has no compiler API; it needs TypeScript ~5.9 as its own dependency`,
    );
  }
  return (compiler = loaded);
}

const packageTypes = new Map<string, Format>();

/** As Node decides: `.mts` is ESM, `.cts` CommonJS, `.ts` follows the nearest package.json's "type". */
export function formatOf(file: string): Format {
  if (file.endsWith('.mts')) return 'module';
  if (file.endsWith('.cts')) return 'commonjs';
  return packageFormat(path.dirname(file));
}

function packageFormat(dir: string): Format {
  const known = packageTypes.get(dir);
  if (known) return known;
  let format: Format;
  const manifest = path.join(dir, 'package.json');
  let text: string | undefined;
  try {
    text = fs.readFileSync(manifest, 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    let type: unknown;
    try {
      type = (JSON.parse(text) as { type?: unknown }).type;
    } catch {
      type = undefined; // Node itself reports a broken package.json when it matters.
    }
    format = type === 'module' ? 'module' : 'commonjs';
  } else {
    const parent = path.dirname(dir);
    format = parent === dir ? 'commonjs' : packageFormat(parent);
  }
  packageTypes.set(dir, format);
  return format;
}

/** The compiler options of the tsconfig.json nearest to the file, or defaults when there is none. */
function userOptions(tsi: typeof ts, file: string): ts.CompilerOptions {
  const configFile = nearestConfigFile(tsi, file);
  if (configFile === undefined) return { target: tsi.ScriptTarget.ES2022, esModuleInterop: true };
  const config = readProjectConfig(tsi, configFile);
  if (config.readError) throw new BuildError(describe(tsi, [config.readError]));
  // "No inputs were found" and the like do not matter to a file compiled on its own.
  const errors = config.errors.filter((d) => d.category === tsi.DiagnosticCategory.Error && d.code !== 18003);
  if (errors.length > 0) throw new BuildError(describe(tsi, errors));
  return config.options;
}

/** The user's options, with the ones that decide what comes out set for running it in memory. */
function compilerOptions(tsi: typeof ts, file: string, format: Format): ts.CompilerOptions {
  const esm = format === 'module';
  return {
    ...userOptions(tsi, file),
    module: esm ? tsi.ModuleKind.ESNext : tsi.ModuleKind.CommonJS,
    moduleResolution: esm ? tsi.ModuleResolutionKind.Bundler : tsi.ModuleResolutionKind.Node10,
    // A CommonJS output must turn imports into require(), whatever the project asks for its sources.
    ...(esm ? {} : { verbatimModuleSyntax: false }),
    noEmit: false,
    emitDeclarationOnly: false,
    declaration: false,
    declarationMap: false,
    composite: false,
    incremental: false,
    sourceMap: false,
    // Stack traces then point into the .ts source (the loader turns source maps on).
    inlineSourceMap: true,
    inlineSources: false,
    outFile: undefined,
    outDir: undefined,
  };
}

/**
 * The JavaScript for one file, as its format needs it, with every `@profile` instrumented.
 * Throws a BuildError for syntax errors and misused `@profile` (bad literal options, ...).
 */
export function compile(file: string, source: string, format: Format = formatOf(file)): string {
  const tsi = loadCompiler();
  const problems: ts.Diagnostic[] = [];
  const options = compilerOptions(tsi, file, format);
  if (file.endsWith('.tsx')) checkJsx(tsi, file, source, options);
  const output = tsi.transpileModule(source, {
    fileName: file,
    compilerOptions: options,
    reportDiagnostics: true,
    // As tsc does: JSDoc is not parsed into tags in .ts files (the transformer reads `@profile` tags itself).
    jsDocParsingMode: tsi.JSDocParsingMode.ParseForTypeErrors,
    transformers: { before: [profileTransformerFactory(tsi, { addDiagnostic: (d) => problems.push(d) })] },
  });
  const errors = [...(output.diagnostics ?? []), ...problems].filter((d) => d.category === tsi.DiagnosticCategory.Error && d.file);
  if (errors.length > 0) throw new BuildError(describe(tsi, errors));
  return output.outputText;
}

/**
 * A `.tsx` file compiles its JSX as the tsconfig's `jsx` says (`react-jsx`, `react`, ...). Without
 * one, tsc refuses JSX (TS17004), and so does this loader; with `preserve` or `react-native` the
 * output would still hold JSX, which Node cannot run. Either way: the first JSX element, a tsc-style
 * line, and the program does not run (transpileModule itself says nothing and leaves the JSX in).
 */
function checkJsx(tsi: typeof ts, file: string, source: string, options: ts.CompilerOptions): void {
  const jsx = options.jsx;
  const runnable = jsx === tsi.JsxEmit.React || jsx === tsi.JsxEmit.ReactJSX || jsx === tsi.JsxEmit.ReactJSXDev;
  if (runnable) return;
  const sourceFile = tsi.createSourceFile(file, source, tsi.ScriptTarget.Latest, true, tsi.ScriptKind.TSX);
  const element = firstJsx(tsi, sourceFile);
  if (!element) return;
  if (jsx === undefined || jsx === tsi.JsxEmit.None) {
    const diagnostic: ts.Diagnostic = {
      category: tsi.DiagnosticCategory.Error,
      code: 17004,
      file: sourceFile,
      start: element.getStart(sourceFile),
      length: element.getWidth(sourceFile),
      messageText: "Cannot use JSX unless the '--jsx' flag is provided.",
    };
    throw new BuildError(describe(tsi, [diagnostic]));
  }
  const setting = jsx === tsi.JsxEmit.Preserve ? 'preserve' : 'react-native';
  throw new BuildError(
    tscError(
      displayPath(file),
      sourceFile,
      element.getStart(sourceFile),
      undefined,
      `ts-memory-profiler: "jsx": "${setting}" leaves the JSX for another tool, and Node cannot run it: set "jsx" to "react-jsx" or "react" in tsconfig.json`,
    ),
  );
}

function firstJsx(tsi: typeof ts, node: ts.Node): ts.Node | undefined {
  if (tsi.isJsxElement(node) || tsi.isJsxSelfClosingElement(node) || tsi.isJsxFragment(node)) return node;
  return tsi.forEachChild(node, (child) => firstJsx(tsi, child));
}

/** As tsc prints them: the file relative to the working directory, line and column from 1. */
function describe(tsi: typeof ts, diagnostics: readonly ts.Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const message = tsi.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file || d.start === undefined) return `error TS${d.code}: ${message}`;
      return tscError(displayPath(d.file.fileName), d.file, d.start, d.code, message);
    })
    .join('\n');
}
