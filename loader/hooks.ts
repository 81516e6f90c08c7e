/**
 * The ES module side of the loader: Node's `resolve` and `load` hooks (registered with
 * `module.register`, they run on a thread of their own). TypeScript files are compiled here: ES
 * modules when they are loaded, CommonJS files when the main thread's `require` asks for them
 * (loader/channel.ts).
 */
import { readFileSync, writeSync } from 'fs';
import { readFile } from 'fs/promises';
import { fileURLToPath } from 'url';
import { serveChannel, type ChannelData } from './channel';
import { BuildError, compile, formatOf, isTypeScript } from './compile';
import { typeScriptSpecifier } from './require';

interface ResolveContext {
  parentURL?: string;
  conditions?: string[];
  importAttributes?: Record<string, string>;
}
interface Resolved {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
interface Loaded {
  format: string;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<Resolved>;
type NextLoad = (url: string, context?: { format?: string | null }) => Promise<Loaded>;

/** Called once by `module.register`: from then on the main thread's `require` compiles here too. */
export function initialize(data?: ChannelData): void {
  if (data?.port) serveChannel(data, (file) => compile(file, readFileSync(file, 'utf8'), 'commonjs'));
}

/** From a TypeScript file, `./util.js` also finds `./util.ts`, and `./util` `./util.ts` or `./util/index.ts`. */
export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<Resolved> {
  try {
    return imported(await nextResolve(specifier, context), context);
  } catch (error) {
    const parent = context.parentURL;
    const code = (error as { code?: unknown }).code;
    if ((code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_UNSUPPORTED_DIR_IMPORT') || !parent?.startsWith('file:') || !isTypeScript(parent)) throw error;
    for (const candidate of candidates(specifier)) {
      try {
        return imported(await nextResolve(candidate, context), context);
      } catch {
        // The next one, else the original error.
      }
    }
    throw error;
  }
}

/**
 * A CommonJS TypeScript file imported by a module (not the program itself) is marked as such, so
 * that `load` hands Node its compiled source: Node finds the names it exports in that source.
 */
function imported(resolved: Resolved, context: ResolveContext): Resolved {
  if (context.parentURL === undefined || !resolved.url.startsWith('file:')) return resolved;
  const file = fileURLToPath(resolved.url);
  return isTypeScript(file) && formatOf(file) === 'commonjs' ? { ...resolved, format: 'commonjs' } : resolved;
}

function candidates(specifier: string): string[] {
  const renamed = typeScriptSpecifier(specifier);
  if (renamed !== undefined) return [renamed];
  if (/^(\.{1,2}\/|\/)/.test(specifier) && !/\.[^/]*$/.test(specifier)) return [`${specifier}.ts`, `${specifier}/index.ts`];
  if (specifier === '.' || specifier === '..') return [`${specifier}/index.ts`];
  return [];
}

export async function load(url: string, context: { format?: string | null }, nextLoad: NextLoad): Promise<Loaded> {
  if (!url.startsWith('file:')) return nextLoad(url, context);
  const file = fileURLToPath(url);
  if (!isTypeScript(file)) return nextLoad(url, context);
  const format = formatOf(file);
  // The program itself, if CommonJS: no source, so Node's CommonJS loader runs it as it runs any
  // CommonJS program (require.cache and all), compiling through require.extensions (loader/require.ts).
  if (format === 'commonjs' && context.format !== 'commonjs') return { format, shortCircuit: true };
  const source = await readFile(file, 'utf8');
  try {
    return { format, source: compile(file, source, format), shortCircuit: true };
  } catch (error) {
    if (!(error instanceof BuildError)) throw error;
    // The program does not build: say so as tsc would, and end the process (from this thread, as an
    // error thrown here would reach the program as a stack trace). Written straight to the file
    // descriptor: this thread's process.stderr goes through the main thread, which is about to stop.
    writeSync(2, `${error.message}\n`);
    process.exit(1);
  }
}
