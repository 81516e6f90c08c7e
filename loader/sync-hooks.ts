/**
 * The loader's ES module hooks where `module.registerHooks` exists (Node 22.15+, 24, 26; Node 26
 * deprecates `module.register`): the same `resolve` and `load` as loader/hooks.ts, synchronous and
 * on the program's own thread. The compiling itself is handed to a worker and waited for
 * (loader/channel.ts), so that the compiler's heap stays out of the program's figures as before.
 */
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
import type { Format } from './compile';

type NextResolve = (specifier: string, context?: ResolveContext) => ResolveResult;
type NextLoad = (url: string, context?: LoadContext) => Loaded;

export interface SyncHooks {
  resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): ResolveResult;
  load(url: string, context: LoadContext, nextLoad: NextLoad): Loaded;
}

export function syncHooks(compile: (file: string, format: Format) => string): SyncHooks {
  return {
    resolve(specifier, context, nextResolve) {
      try {
        return imported(nextResolve(specifier, context), context);
      } catch (error) {
        if (!retries(error, context)) throw error;
        for (const candidate of candidates(specifier)) {
          try {
            return imported(nextResolve(candidate, context), context);
          } catch {
            // The next one, else the original error.
          }
        }
        throw error;
      }
    },
    load(url, context, nextLoad) {
      const plan = loadPlan(url, context);
      if ('next' in plan) return nextLoad(url, context);
      if ('loaded' in plan) return plan.loaded;
      return compiled(() => compile(plan.compile, plan.format), plan.format);
    },
  };
}
