/**
 * Another TypeScript loader preloaded after this one (`node --import ts-memory-profiler/register
 * --import tsx app.ts`) takes the TypeScript files from it: its hooks come later, so they run first,
 * and its `require.extensions` replace this loader's. What the program then gets depends on that
 * loader (a CommonJS program crashed with "require is not defined in ES module scope", or ran with
 * one-row reports); the other order works. This module finds such a loader from the command line and
 * NODE_OPTIONS, so the loader can say so in one line instead.
 */
import * as path from 'path';
import { fileURLToPath } from 'url';

/** Loaders that compile TypeScript without this package's transformer. */
const TYPESCRIPT_LOADERS = /^(tsx|ts-node|@swc-node\/register|esbuild-register|@esbuild-kit\/(cjs|esm)-loader)(\/.*)?$/;
const TYPESCRIPT_LOADER_PATHS =
  /[\\/]node_modules[\\/](tsx|ts-node|@swc-node[\\/]register|esbuild-register|@esbuild-kit[\\/](cjs|esm)-loader)[\\/]/;

export interface Preload {
  flag: '--require' | '--import';
  specifier: string;
}

/** NODE_OPTIONS as Node splits it: on white space, with double quotes around values that have some. */
export function splitNodeOptions(text: string): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(/"((?:\\.|[^"\\])*)"|(\S+)/g))
    words.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]);
  return words;
}

function preloadsOf(args: readonly string[]): Preload[] {
  const found: Preload[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const joined = /^(--require|--import)=(.*)$/s.exec(arg);
    if (joined) found.push({ flag: joined[1] as Preload['flag'], specifier: joined[2] });
    else if ((arg === '--require' || arg === '-r' || arg === '--import') && i + 1 < args.length) {
      found.push({ flag: arg === '--import' ? '--import' : '--require', specifier: args[++i] });
    }
  }
  return found;
}

/**
 * The preloaded modules in the order Node runs them: every `--require` before every `--import`,
 * NODE_OPTIONS' before the command line's within each.
 */
export function preloadOrder(execArgv: readonly string[], nodeOptions: string | undefined): Preload[] {
  const all = [...preloadsOf(splitNodeOptions(nodeOptions ?? '')), ...preloadsOf(execArgv)];
  return [...all.filter((p) => p.flag === '--require'), ...all.filter((p) => p.flag === '--import')];
}

/** The file a preload specifier names, as far as it can be told from here (undefined if not). */
function fileOf(specifier: string, cwd: string): string | undefined {
  try {
    if (specifier.startsWith('file:')) return fileURLToPath(specifier);
    return require.resolve(specifier, { paths: [cwd] });
  } catch {
    return undefined;
  }
}

function isTypeScriptLoader(specifier: string, cwd: string): boolean {
  if (TYPESCRIPT_LOADERS.test(specifier)) return true;
  const file =
    specifier.startsWith('file:') || path.isAbsolute(specifier) || specifier.startsWith('.') ? fileOf(specifier, cwd) : undefined;
  return file !== undefined && TYPESCRIPT_LOADER_PATHS.test(file);
}

/** The first TypeScript loader that Node runs after this one (the module `self`), if any. */
export function typeScriptLoaderAfter(self: string, preloads: readonly Preload[], cwd: string): Preload | undefined {
  const index = preloads.findIndex((p) => fileOf(p.specifier, cwd) === self);
  if (index < 0) return undefined;
  return preloads.slice(index + 1).find((p) => isTypeScriptLoader(p.specifier, cwd));
}
