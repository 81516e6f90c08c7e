/**
 * Builds a whole source tree to CommonJS as tspc would: one program, the transformer (the package's
 * built default export, called as ts-patch calls it) before TypeScript's own, diagnostics as tsc
 * prints them. Library files (lib.*.d.ts, @types) are parsed once per process and shared.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import transformer from 'ts-memory-profiler/transformer';

export interface BuildOptions {
  /** experimentalDecorators instead of TC39 decorators. */
  legacy: boolean;
  /** Run the transformer. */
  transform: boolean;
  /** Type-check too (what tspc reports before emitting), not only syntax and the transformer's own checks. */
  check: boolean;
  /** The target (default ES2022). */
  target?: ts.ScriptTarget;
  /** emitDecoratorMetadata (design:type & co., read by NestJS and TypeORM). */
  decoratorMetadata?: boolean;
}

const shared = new Map<string, ts.SourceFile>();

/** Compiles every .ts file under `rootDir` into `outDir`; returns the diagnostics (none: it built). */
export function buildTree(rootDir: string, outDir: string, options: BuildOptions): string[] {
  const compilerOptions: ts.CompilerOptions = {
    target: options.target ?? ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    experimentalDecorators: options.legacy,
    emitDecoratorMetadata: options.decoratorMetadata,
    strict: true,
    noImplicitOverride: true,
    skipLibCheck: true,
    types: ['node'],
    lib: ['lib.es2022.d.ts'],
    rootDir,
    outDir,
  };
  const host = ts.createCompilerHost(compilerOptions, true);
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, onError) => {
    if (!name.includes('node_modules')) return getSourceFile(name, languageVersion, onError);
    let file = shared.get(name);
    if (!file) {
      file = getSourceFile(name, languageVersion, onError);
      if (file) shared.set(name, file);
    }
    return file;
  };
  const program = ts.createProgram(rootFiles(rootDir), compilerOptions, host);
  const added: ts.Diagnostic[] = [];
  const before = options.transform ? [transformer(program, {}, { ts, addDiagnostic: (d) => added.push(d) })] : [];
  const checked = options.check ? ts.getPreEmitDiagnostics(program) : program.getSyntacticDiagnostics();
  const result = program.emit(undefined, undefined, undefined, false, { before });
  return [...checked, ...result.diagnostics, ...added].map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return `error TS${d.code}: ${message}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${path.relative(rootDir, d.file.fileName)}(${line + 1},${character + 1}): error TS${d.code}: ${message}`;
  });
}

function rootFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...rootFiles(full));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}
