/**
 * The paths the emitted code carries instead of the build machine's absolute path of the source:
 * the source and the emitted JavaScript, both relative to the project's directory (the directory of
 * the tsconfig.json, else the compiler's working directory). The runtime (runtime/source-file.ts)
 * resolves them against the module's own location when it loads, so the same sources build to the
 * same JavaScript in any checkout, and a build moved elsewhere reports where its sources now are.
 */
import * as path from 'path';
import type * as ts from 'typescript';

export interface SourcePaths {
  /** The `.ts` source, relative to the project's directory, `/`-separated. */
  readonly source: string;
  /** The emitted `.js`, relative to the project's directory; undefined when unknown or outside it. */
  readonly output: string | undefined;
}

/** What TypeScript's emit host knows (internal to TypeScript, so each part is optional). */
interface EmitHost {
  getCommonSourceDirectory?(): string;
  getCurrentDirectory?(): string;
}

export function sourcePaths(tsi: typeof ts, context: ts.TransformationContext, file: ts.SourceFile): SourcePaths {
  const options = context.getCompilerOptions();
  const host = (context as { getEmitHost?: () => EmitHost | undefined }).getEmitHost?.();
  const cwd = host?.getCurrentDirectory?.() || process.cwd();
  const configFile = typeof options.configFilePath === 'string' ? options.configFilePath : undefined;
  const root = path.resolve(cwd, configFile ? path.dirname(configFile) : '.');
  const fileName = path.resolve(cwd, file.fileName);
  const relative = (to: string) => path.relative(root, to).split(path.sep).join('/');
  const output = outputFile(tsi, options, host, cwd, fileName);
  const outputRelative = output === undefined ? undefined : relative(output);
  return {
    source: relative(fileName),
    output:
      outputRelative === undefined || outputRelative.startsWith('../') || path.isAbsolute(outputRelative) ? undefined : outputRelative,
  };
}

/** Where tsc writes the file's JavaScript: next to it, or under outDir as it sits under rootDir. */
function outputFile(
  tsi: typeof ts,
  options: ts.CompilerOptions,
  host: EmitHost | undefined,
  cwd: string,
  fileName: string,
): string | undefined {
  if (options.outFile) return undefined;
  const extension = /\.mts$/i.test(fileName)
    ? '.mjs'
    : /\.cts$/i.test(fileName)
      ? '.cjs'
      : /\.tsx$/i.test(fileName) && options.jsx === tsi.JsxEmit.Preserve
        ? '.jsx'
        : '.js';
  const emitted = fileName.replace(/\.[cm]?tsx?$/i, '') + extension;
  if (!options.outDir) return emitted;
  let sourceRoot: string | undefined = options.rootDir;
  if (sourceRoot === undefined) {
    try {
      sourceRoot = host?.getCommonSourceDirectory?.();
    } catch {
      sourceRoot = undefined;
    }
  }
  if (!sourceRoot) return undefined;
  return path.join(path.resolve(cwd, options.outDir), path.relative(path.resolve(cwd, sourceRoot), emitted));
}

/** The module's own location at run time: `__filename` in CommonJS, `import.meta.url` in an ES module. */
export function moduleLocation(tsi: typeof ts, commonJS: boolean): ts.Expression {
  const f = tsi.factory;
  if (!commonJS)
    return f.createPropertyAccessExpression(f.createMetaProperty(tsi.SyntaxKind.ImportKeyword, f.createIdentifier('meta')), 'url');
  // typeof: a bundle for another platform may have no __filename.
  const filename = f.createIdentifier('__filename');
  return f.createConditionalExpression(
    f.createBinaryExpression(f.createTypeOfExpression(filename), tsi.SyntaxKind.EqualsEqualsEqualsToken, f.createStringLiteral('string')),
    undefined,
    filename,
    undefined,
    f.createVoidZero(),
  );
}
