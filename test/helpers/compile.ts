/**
 * Compiles fixture sources through the real transformer (the package's built default export, called
 * the way ts-patch calls it) and runs the result. Fixture files live under <repo>/.tmp so that
 * `import ... from 'ts-memory-profiler'` resolves to this package, as it does for a user.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Module = require('module');
import * as ts from 'typescript';
import { configure, type Report } from 'ts-memory-profiler';
import transformer from 'ts-memory-profiler/transformer';

export const ROOT = path.resolve(__dirname, '../../..');
export const TMP = path.join(ROOT, '.tmp');

export interface CompileOptions {
  /** experimentalDecorators (legacy) instead of TC39 decorators. */
  legacy?: boolean;
  /** Emit ESM (module nodenext, .mts) instead of CommonJS. */
  esm?: boolean;
  /** Run the transformer (default true); false compiles as plain tsc would. */
  transform?: boolean;
  /** Base name of the fixture file (default fixture.ts). */
  name?: string;
  /** Type-check too and return the compiler's own errors (slower). */
  check?: boolean;
  /** The compiler's target (default ES2022). */
  target?: ts.ScriptTarget;
}

export interface Compiled {
  js: string;
  /** Diagnostics as tsc prints them: `file(line,col): error TSnnnn: message`. */
  diagnostics: string[];
  fileName: string;
}

const libCache = new Map<string, ts.SourceFile>();

function compilerOptions(options: CompileOptions): ts.CompilerOptions {
  return {
    target: options.target ?? ts.ScriptTarget.ES2022,
    module: options.esm ? ts.ModuleKind.NodeNext : ts.ModuleKind.CommonJS,
    moduleResolution: options.esm ? ts.ModuleResolutionKind.NodeNext : ts.ModuleResolutionKind.Node10,
    experimentalDecorators: !!options.legacy,
    strict: true,
    skipLibCheck: true,
    types: ['node'],
    lib: ['lib.es2022.d.ts'],
  };
}

let counter = 0;

export function compile(source: string, options: CompileOptions = {}): Compiled {
  return compileEach([source], options)[0];
}

/**
 * Compiles several fixtures in one program, each a file of its own (in its own directory, under the
 * same name): a program's type checker is set up once for all of them, several times faster than one
 * `compile` each.
 */
export function compileEach(sources: readonly string[], options: CompileOptions = {}): Compiled[] {
  const dir = path.join(TMP, `c${process.pid}-${counter++}`);
  const base = (options.name ?? 'fixture') + (options.esm ? '.mts' : '.ts');
  const fileNames = sources.map((_, i) => (sources.length === 1 ? path.join(dir, base) : path.join(dir, String(i), base)));
  const texts = new Map(fileNames.map((name, i) => [name, sources[i]]));
  const compilerOpts = compilerOptions(options);
  const host = ts.createCompilerHost(compilerOpts, true);
  // As tsc (and so tspc) does since TypeScript 5.3: JSDoc in .ts files is not parsed into tags.
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, onError) => {
    const text = texts.get(path.resolve(name));
    if (text !== undefined) return ts.createSourceFile(name, text, languageVersion, true);
    const cached = libCache.get(name);
    if (cached) return cached;
    const file = getSourceFile(name, languageVersion, onError);
    if (file && name.includes('node_modules')) libCache.set(name, file);
    return file;
  };
  host.fileExists = (
    (exists) => (name: string) =>
      texts.has(path.resolve(name)) || exists(name)
  )(host.fileExists.bind(host));
  host.readFile = (
    (read) => (name: string) =>
      texts.get(path.resolve(name)) ?? read(name)
  )(host.readFile.bind(host));
  const js = new Map<string, string>();
  host.writeFile = (name, text) => {
    if (/\.(m|c)?js$/.test(name)) js.set(path.resolve(name).replace(/\.(m|c)?js$/, ''), text);
  };
  const program = ts.createProgram(fileNames, compilerOpts, host);
  const added: ts.Diagnostic[] = [];
  const before = options.transform === false ? [] : [transformer(program, {}, { ts, addDiagnostic: (d) => added.push(d) })];
  const result = program.emit(undefined, undefined, undefined, false, { before });
  return fileNames.map((fileName) => {
    const file = program.getSourceFile(fileName)!;
    const mine = (d: ts.Diagnostic) => d.file === undefined || d.file === file;
    const all = [
      ...(options.check ? ts.getPreEmitDiagnostics(program, file) : program.getSyntacticDiagnostics(file)),
      ...result.diagnostics.filter(mine),
      ...added.filter(mine),
    ];
    const diagnostics = all.map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file || d.start === undefined) return `error TS${d.code}: ${message}`;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${path.basename(d.file.fileName)}(${line + 1},${character + 1}): error TS${d.code}: ${message}`;
    });
    return { js: js.get(fileName.replace(/\.m?ts$/, '')) ?? '', diagnostics, fileName };
  });
}

/** Collects what a profiled run writes. */
export class Capture {
  text = '';
  reports: Report[] = [];
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

export interface RunResult {
  /** What the fixture's `main` export returned. */
  value: unknown;
  /** What it threw (undefined when it returned). */
  error: unknown;
  threw: boolean;
  /** Reports written while it ran. */
  text: string;
  reports: Report[];
  /** What the fixture logged with `log(...)`: the order of side effects. */
  log: unknown[];
}

/**
 * Runs compiled CommonJS in this process, reports going to a Capture (through `configure`), and calls
 * its exported `main()`. The fixture gets a global `log` for recording side effects.
 */
export function run(compiled: Compiled): RunResult {
  const session = start();
  try {
    return session.result(session.call(compiled));
  } finally {
    session.end();
  }
}

/**
 * As `run`, for fixtures whose `main()` may return a promise: waits for it to settle, and gives the
 * fulfilled value, or the rejection as what was thrown. Reports written until then count (an async
 * method writes its report when its promise settles).
 */
export async function runSettled(compiled: Compiled): Promise<RunResult> {
  const session = start();
  try {
    const called = session.call(compiled);
    if (called.threw || !isThenable(called.value)) return session.result(called);
    try {
      return session.result({ value: await called.value, error: undefined, threw: false });
    } catch (error) {
      return session.result({ value: undefined, error, threw: true });
    }
  } finally {
    session.end();
  }
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';

type Outcome = Pick<RunResult, 'value' | 'error' | 'threw'>;

/** Reports to a Capture and a global `log` from here until `end()`. */
function start() {
  const capture = new Capture();
  const log: unknown[] = [];
  configure({ stream: capture, onReport: (r) => capture.reports.push(r) });
  (globalThis as { log?: unknown }).log = (...values: unknown[]) => log.push(values.length === 1 ? values[0] : values);
  return {
    /** Loads the module and calls its main(); a module that fails to load throws here. */
    call(compiled: Compiled): Outcome {
      const outFile = compiled.fileName.replace(/\.m?ts$/, '.js');
      const mod = new Module(outFile, module) as Module & { _compile(code: string, file: string): void; paths: string[] };
      mod.filename = outFile;
      mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(outFile));
      mod._compile(compiled.js, outFile);
      const main = (mod.exports as { main?: () => unknown }).main;
      if (typeof main !== 'function') throw new Error('fixture has no exported main()');
      try {
        return { value: main(), error: undefined, threw: false };
      } catch (error) {
        return { value: undefined, error, threw: true };
      }
    },
    result(outcome: Outcome): RunResult {
      return { ...outcome, text: capture.text, reports: capture.reports, log };
    },
    end(): void {
      configure({ stream: undefined, onReport: undefined });
      delete (globalThis as { log?: unknown }).log;
    },
  };
}

/** Compiles and runs in one go. */
export function profileRun(source: string, options: CompileOptions = {}): RunResult & { compiled: Compiled } {
  const compiled = compile(source, options);
  if (compiled.diagnostics.length) throw new Error(`fixture did not compile:\n${compiled.diagnostics.join('\n')}`);
  return { ...run(compiled), compiled };
}

/** Writes files (name -> text) into a fresh directory under .tmp and returns it. */
export function writeProject(files: Record<string, string>): string {
  const dir = path.join(TMP, `p${process.pid}-${counter++}`);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/**
 * Masks what varies between runs (the Mem usage and Increment figures) and keeps the structure:
 * line numbers, widths, occurrences, source text.
 */
export function maskFigures(text: string, keepMarks = false): string {
  // The gap before Line Contents is ' * ' on a line in which the profiler collected, and the
  // @profile row then ends with a note (runtime/settle.ts): when and where it collects depends on
  // time, so fixtures about the layout leave them out unless they ask for them.
  const masked = text.replace(
    /^( {0,5}\d+) (.{12}) (.{12})  ( {0,9}\d+)(   | \* )/gm,
    (_, line: string, mem: string, inc: string, occ: string, gap: string) => {
      const mask = (s: string) => {
        const figure = /^ *-?\d+(?:\.(\d+))? MiB$/.exec(s);
        if (!figure) throw new Error(`not a MiB figure: '${s}'`);
        return (figure[1] === undefined ? 'N MiB' : `N.${'N'.repeat(figure[1].length)} MiB`).padStart(12);
      };
      return `${line} ${mask(mem)} ${mask(inc)}  ${occ}${keepMarks ? gap : '   '}`;
    },
  );
  return keepMarks ? masked : masked.replace(/ {3}\/\/ \d+ full collections? by the profiler, in the lines marked \*$/gm, '');
}

/** The rows of a report as [line, occurrences] pairs, for lines that ran. */
export function occurrences(report: Report): Array<[number, number]> {
  return report.lines.filter((l) => l.occurrences > 0).map((l) => [l.line, l.occurrences]);
}

/**
 * Runs compiled CommonJS in a node process of its own (a small heap: what 'exact' costs there is
 * what a user sees) and returns the reports it wrote, as JSON, and main()'s result. `nodeFlags` go
 * on node's command line, before the script.
 */
export function runInChild(compiled: Compiled, nodeFlags: string[] = []): { reports: Report[]; value: unknown } {
  const dir = writeProject({
    'fixture.js': compiled.js,
    'start.js': `const { configure } = require('ts-memory-profiler');
configure({ format: 'json' });
const value = require('./fixture.js').main();
process.stdout.write('RESULT ' + JSON.stringify(value === undefined ? null : value) + '\\n');
`,
  });
  const output = execFileSync(process.execPath, [...nodeFlags, path.join(dir, 'start.js')], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const lines = output.split('\n');
  const result = lines.find((l) => l.startsWith('RESULT '));
  return {
    reports: lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Report),
    value: result === undefined ? undefined : JSON.parse(result.slice(7)),
  };
}

/** The first lines of a text report, as memory_profiler writes them. */
export function tableTop(file: string): string[] {
  return [`Filename: ${file}`, '', 'Line #    Mem usage    Increment  Occurrences   Line Contents', '='.repeat(61)];
}

/** A row for a line that never ran: its number and its source only. */
export function blankRow(line: number, source: string): string {
  return String(line).padStart(6) + ' '.repeat(41) + source;
}
