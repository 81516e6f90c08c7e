/**
 * The ES module side of the loader: Node's `resolve` and `load` hooks (registered with
 * `module.register`, they run on a thread of their own). ES-module TypeScript files are compiled
 * here; CommonJS ones are handed to the CommonJS loader (loader/require.ts), so that `require` inside
 * them behaves as Node's own.
 */
import { readFileSync } from 'fs';
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
    return await nextResolve(specifier, context);
  } catch (error) {
    const parent = context.parentURL;
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND' || !parent?.startsWith('file:') || !isTypeScript(parent)) throw error;
    for (const candidate of candidates(specifier)) {
      try {
        return await nextResolve(candidate, context);
      } catch {
        // The next one, else the original error.
      }
    }
    throw error;
  }
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
  // No source: Node's CommonJS loader reads the file, through require.extensions (loader/require.ts).
  if (formatOf(file) === 'commonjs') return { format: 'commonjs', shortCircuit: true };
  const source = await readFile(file, 'utf8');
  try {
    return { format: 'module', source: compile(file, source, 'module'), shortCircuit: true };
  } catch (error) {
    if (!(error instanceof BuildError)) throw error;
    // The program does not build: the module says so as tsc would, and ends the process, before any
    // module that imports it runs.
    const message = JSON.stringify(`${error.message}\n`);
    return { format: 'module', source: `process.stderr.write(${message});\nprocess.exit(1);\n`, shortCircuit: true };
  }
}
