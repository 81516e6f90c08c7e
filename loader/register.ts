/**
 * `ts-memory-profiler/register`: run TypeScript with every `@profile` instrumented, no build step.
 *
 *   node --import ts-memory-profiler/register app.ts [args...]     (ES modules and CommonJS)
 *   node --require ts-memory-profiler/register app.ts [args...]    (CommonJS)
 *
 * Options come from the environment (loader/environment.ts: TS_MEMORY_PROFILER_PRECISION, _BACKEND,
 * _FORMAT, _OUTPUT, _AGGREGATE) and become `configure(...)` defaults before the program loads.
 * `ts-mprof run` starts node with this module.
 */
import Module = require('module');
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Worker, isMainThread } from 'worker_threads';
import { openChannel } from './channel';
import { preloadOrder, typeScriptLoaderAfter } from './preloads';
import { installRequireHooks } from './require';
import { SettingError, applySettings, settingsFromEnvironment } from './environment';
import { type SyncHooks, syncHooks } from './sync-hooks';

type Register = (specifier: string, options: { data: unknown; transferList: unknown[] }) => void;
type RegisterHooks = (hooks: SyncHooks) => unknown;

function start(): void {
  try {
    applySettings(settingsFromEnvironment(process.env));
  } catch (error) {
    // A bad setting (or an output file that cannot be opened): one line, and the program does not run.
    const message = error instanceof SettingError ? error.message : error instanceof Error ? error.message : String(error);
    process.stderr.write(`ts-memory-profiler: ${message}\n`);
    process.exit(2);
  }
  const later = typeScriptLoaderAfter(__filename, preloadOrder(process.execArgv, process.env.NODE_OPTIONS), process.cwd());
  if (later) {
    const { flag, specifier } = later;
    process.stderr.write(
      `ts-memory-profiler: ${flag} ${specifier} runs after ts-memory-profiler/register and would take the TypeScript files from it: put ${flag} ${specifier} first, or leave it out (the loader compiles TypeScript itself)\n`,
    );
    process.exit(2);
  }
  const { registerHooks, register } = Module as unknown as { registerHooks?: RegisterHooks; register?: Register };
  if (registerHooks) {
    // Node 22.15+, 24, 26 (where `module.register` is deprecated): in-thread hooks for ES modules,
    // require.extensions for CommonJS, both compiling on a worker of ours.
    const compiler = startCompiler();
    registerHooks(syncHooks(compiler.compile));
    installRequireHooks((file) => compiler.compile(file, 'commonjs'));
  } else if (register) {
    // Node 20: ES modules compiled on the hooks thread, and CommonJS there too (through the channel).
    const channel = openChannel();
    register(pathToFileURL(path.join(__dirname, 'hooks.js')).href, { data: channel.data, transferList: channel.transferList });
    installRequireHooks((file) => channel.compile(file, 'commonjs'));
  } else {
    // Node before 20.6: CommonJS only, compiled on this thread.
    installRequireHooks();
  }
  // Stack traces point into the .ts sources (each compiled file carries an inline source map).
  process.setSourceMapsEnabled(true);
}

/** The compiler's worker (loader/compile-worker.ts), and the synchronous `compile` that asks it. */
function startCompiler(): ReturnType<typeof openChannel> {
  const channel = openChannel();
  const worker = new Worker(path.join(__dirname, 'compile-worker.js'), {
    workerData: channel.data,
    transferList: channel.transferList,
    // Not the program's --import/--require (this loader among them): the worker only compiles.
    execArgv: [],
  });
  // The program ends when it is done, whatever the worker is doing.
  worker.unref();
  return channel;
}

// Node 20 also runs `--require`d modules on the loader's own hooks thread, and a worker the program
// starts runs its `--import`s again: the loader is set up on the main thread only.
if (isMainThread) start();
