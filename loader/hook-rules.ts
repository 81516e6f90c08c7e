/**
 * What the loader's ES module hooks decide, written once for both kinds of hooks: the asynchronous
 * ones of `module.register` (loader/hooks.ts, Node 20) and the synchronous ones of
 * `module.registerHooks` (loader/sync-hooks.ts, Node 22.15+, 24, 26).
 */
import { writeSync } from 'fs';
import { fileURLToPath } from 'url';
import { BuildError, type Format, formatOf, isTypeScript } from './compile';
import { typeScriptSpecifier } from './require';

export interface ResolveContext {
  parentURL?: string;
  conditions?: string[];
  importAttributes?: Record<string, string>;
}
/** What a `resolve` hook hands back (Node's module customization hooks). */
export interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
export interface Loaded {
  format: string;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}
export interface LoadContext {
  format?: string | null;
}

/** Whether a failed resolution from a TypeScript file is worth trying again with `candidates`. */
export function retries(error: unknown, context: ResolveContext): boolean {
  const parent = context.parentURL;
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_UNSUPPORTED_DIR_IMPORT') && !!parent?.startsWith('file:') && isTypeScript(parent)
  );
}

/** From a TypeScript file, `./util.js` also finds `./util.ts`, and `./util` `./util.ts`, `./util.tsx` or `./util/index.ts`. */
export function candidates(specifier: string): string[] {
  const renamed = typeScriptSpecifier(specifier);
  if (renamed !== undefined) return renamed.endsWith('.ts') ? [renamed, `${renamed}x`] : [renamed];
  if (/^(\.{1,2}\/|\/)/.test(specifier) && !/\.[^/]*$/.test(specifier))
    return [`${specifier}.ts`, `${specifier}.tsx`, `${specifier}/index.ts`];
  if (specifier === '.' || specifier === '..') return [`${specifier}/index.ts`];
  return [];
}

/**
 * A CommonJS TypeScript file imported by a module (not the program itself) is marked as such, so
 * that `load` hands Node its compiled source: Node finds the names it exports in that source.
 */
export function imported(resolved: ResolveResult, context: ResolveContext): ResolveResult {
  if (context.parentURL === undefined || !resolved.url.startsWith('file:')) return resolved;
  const file = fileURLToPath(resolved.url);
  return isTypeScript(file) && formatOf(file) === 'commonjs' ? { ...resolved, format: 'commonjs' } : resolved;
}

/** What `load` does with a URL: leave it to Node, hand Node a CommonJS program to run itself, or compile it. */
export type LoadPlan = { next: true } | { loaded: Loaded } | { compile: string; format: Format };

export function loadPlan(url: string, context: LoadContext): LoadPlan {
  if (!url.startsWith('file:')) return { next: true };
  const file = fileURLToPath(url);
  if (!isTypeScript(file)) return { next: true };
  const format = formatOf(file);
  // The program itself, if CommonJS: no source, so Node's CommonJS loader runs it as it runs any
  // CommonJS program (require.cache and all), compiling through require.extensions (loader/require.ts).
  if (format === 'commonjs' && context.format !== 'commonjs') return { loaded: { format, shortCircuit: true } };
  return { compile: file, format };
}

/** The compiled module, or, when the program does not build, tsc's lines on stderr and exit code 1. */
export function compiled(compile: () => string, format: Format): Loaded {
  try {
    return { format, source: compile(), shortCircuit: true };
  } catch (error) {
    if (!(error instanceof BuildError)) throw error;
    // Said as tsc would, and the process ends: an error thrown here would reach the program as a
    // stack trace. Written straight to the file descriptor: on `module.register`'s hooks thread,
    // process.stderr goes through the main thread, which is about to stop.
    writeSync(2, `${error.message}\n`);
    process.exit(1);
  }
}
