/**
 * The per-file transform: finds `@profile` members, instruments them, and adds to the file the
 * runtime import and the line tables. A file with no `@profile` member comes back untouched, so it
 * emits exactly what plain tsc emits.
 */
import type * as ts from 'typescript';
import { HOOKS } from '../runtime/emitted-names';
import type { LineTable } from '../runtime/types';
import { diagnoser } from './diagnostics';
import { findProfileImport } from './imports';
import { Instrumenter } from './instrument';
import { lineTable, tableLiteral } from './line-table';
import { moduleLocation, sourcePaths } from './source-path';
import { findTargets, type Target } from './targets';

export interface TransformOptions {
  /** ts-patch's channel for diagnostics; without it, build-time errors are thrown. */
  addDiagnostic?: (diagnostic: ts.Diagnostic) => unknown;
}

export function profileTransformerFactory(tsi: typeof ts, options: TransformOptions = {}): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (file) => transformFile(tsi, context, file, options);
}

function transformFile(tsi: typeof ts, context: ts.TransformationContext, file: ts.SourceFile, options: TransformOptions): ts.SourceFile {
  if (file.isDeclarationFile) return file;
  const imported = findProfileImport(tsi, file);
  if (!imported) return file;
  const legacy = !!context.getCompilerOptions().experimentalDecorators;
  const targets = findTargets(tsi, file, imported, diagnoser(tsi, file, options.addDiagnostic), legacy);
  if (targets.length === 0) return file;

  const f = tsi.factory;
  const runtime = f.createUniqueName('__mp');
  const tablesName = f.createUniqueName('__mpLines');
  const tables: LineTable[] = [];
  const indices = new Map<Target, number>();
  const instrumenter = new Instrumenter(tsi, context, file, new Map(targets.map((t) => [t.member, t])), ancestors(targets), {
    runtime,
    tables: tablesName,
    tableIndex(target) {
      let index = indices.get(target);
      if (index === undefined) {
        index = tables.push(lineTable(tsi, file, target)) - 1;
        indices.set(target, index);
      }
      return index;
    },
  });
  const statements = tsi.visitNodes(file.statements, instrumenter.visit, tsi.isStatement);

  // After the user's own import of the package: the same module, loaded at the same point.
  const compilerOptions = context.getCompilerOptions();
  const runtimeImport = runtimeAccess(tsi, compilerOptions, file, imported.specifier, runtime);
  // The source's path, resolved when the module loads (no absolute path of the build machine in the output).
  const paths = sourcePaths(tsi, context, file);
  const fileName = f.createUniqueName('__mpFile');
  const located = f.createCallExpression(f.createPropertyAccessExpression(runtime, HOOKS.sourceFile), undefined, [
    moduleLocation(tsi, emitsCommonJS(tsi, compilerOptions, file)),
    f.createStringLiteral(paths.source),
    ...(paths.output === undefined ? [] : [f.createStringLiteral(paths.output)]),
  ]);
  const constant = (name: ts.Identifier, value: ts.Expression) =>
    f.createVariableStatement(
      undefined,
      f.createVariableDeclarationList([f.createVariableDeclaration(name, undefined, undefined, value)], tsi.NodeFlags.Const),
    );
  const fileDeclaration = constant(fileName, located);
  const tablesDeclaration = constant(
    tablesName,
    f.createArrayLiteralExpression(
      tables.map((t) => tableLiteral(tsi, t, fileName)),
      true,
    ),
  );
  // After the user's import of the package; for a file with only `/** @profile */`, after its imports.
  const at = imported.declaration
    ? statements.findIndex((s) => tsi.getOriginalNode(s) === imported.declaration) + 1
    : statements.reduce(
        (last, s, i) =>
          tsi.isImportDeclaration(s) || (tsi.isExpressionStatement(s) && tsi.isStringLiteral(s.expression) && last === i) ? i + 1 : last,
        0,
      );
  return f.updateSourceFile(file, [...statements.slice(0, at), runtimeImport, fileDeclaration, tablesDeclaration, ...statements.slice(at)]);
}

/**
 * How the file reaches the runtime. A module (it imports or exports something) gets an import, which
 * TypeScript's own module transform turns into what the module kind needs (`require` for CommonJS).
 * A script (no import or export: `/** @profile *\/` needs none) is left alone by that transform, so an
 * import would stay an import: a syntax error in CommonJS, and it would make Node run the file as an
 * ES module. A script compiled to CommonJS gets `const __mp = require(...)` instead and stays a script
 * (no "use strict", no `exports`); one compiled to an ES module kind gets the import, as its output is
 * run as an ES module.
 */
function runtimeAccess(
  tsi: typeof ts,
  options: ts.CompilerOptions,
  file: ts.SourceFile,
  specifier: string,
  name: ts.Identifier,
): ts.Statement {
  const f = tsi.factory;
  if (tsi.isExternalModule(file) || !emitsCommonJS(tsi, options, file)) {
    return f.createImportDeclaration(
      undefined,
      f.createImportClause(false, undefined, f.createNamespaceImport(name)),
      f.createStringLiteral(specifier),
    );
  }
  const required = f.createCallExpression(f.createIdentifier('require'), undefined, [f.createStringLiteral(specifier)]);
  return f.createVariableStatement(
    undefined,
    f.createVariableDeclarationList([f.createVariableDeclaration(name, undefined, undefined, required)], tsi.NodeFlags.Const),
  );
}

/** Whether the file's JavaScript is CommonJS, as TypeScript decides it from the module option. */
function emitsCommonJS(tsi: typeof ts, options: ts.CompilerOptions, file: ts.SourceFile): boolean {
  const K = tsi.ModuleKind;
  const kind = options.module ?? ((options.target ?? tsi.ScriptTarget.ES5) >= tsi.ScriptTarget.ES2015 ? K.ES2015 : K.CommonJS);
  if (kind === K.None || kind === K.CommonJS || kind === K.AMD || kind === K.UMD) return true;
  const extension = /\.([mc]?)tsx?$/i.exec(file.fileName)?.[1]?.toLowerCase();
  if (kind >= K.Node16 && kind <= K.NodeNext) {
    if (extension) return extension === 'c';
    return file.impliedNodeFormat !== K.ESNext;
  }
  // ES2015 to ESNext, System, Preserve: the output keeps ES module syntax (a .cts under Preserve is CommonJS).
  return kind === K.Preserve && extension === 'c';
}

/** Every node on the way from the file to a target, so the visitor can skip the rest of the file. */
function ancestors(targets: readonly Target[]): Set<ts.Node> {
  const set = new Set<ts.Node>();
  for (const { member, call } of targets) {
    for (let node: ts.Node | undefined = (call ?? member).parent; node && !set.has(node); node = node.parent) set.add(node);
  }
  return set;
}
