/**
 * The loader's ES module hooks where `module.registerHooks` does not exist (Node 20, 22 before
 * 22.15): Node's asynchronous `resolve` and `load` hooks, registered with `module.register`, which
 * run on a thread of their own. TypeScript files are compiled here: ES modules when they are loaded,
 * CommonJS files when the main thread's `require` asks for them (loader/channel.ts).
 */
import { readFileSync } from 'fs';
import { readFile } from 'fs/promises';
import { serveChannel, type ChannelData } from './channel';
import { compile } from './compile';
import {
  candidates,
  compiled,
  imported,
  type LoadContext,
  type Loaded,
  loadPlan,
  type ResolveResult,
  type ResolveContext,
  retries,
} from './hook-rules';

type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>;
type NextLoad = (url: string, context?: LoadContext) => Promise<Loaded>;

/** Called once by `module.register`: from then on the main thread's `require` compiles here too. */
export function initialize(data?: ChannelData): void {
  if (data?.port) serveChannel(data, (file, format) => compile(file, readFileSync(file, 'utf8'), format));
}

export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
  try {
    return imported(await nextResolve(specifier, context), context);
  } catch (error) {
    if (!retries(error, context)) throw error;
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

export async function load(url: string, context: LoadContext, nextLoad: NextLoad): Promise<Loaded> {
  const plan = loadPlan(url, context);
  if ('next' in plan) return nextLoad(url, context);
  if ('loaded' in plan) return plan.loaded;
  const source = await readFile(plan.compile, 'utf8');
  return compiled(() => compile(plan.compile, source, plan.format), plan.format);
}
