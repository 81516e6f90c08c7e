/**
 * `ts-memory-profiler/register`: run TypeScript with every `@profile` instrumented, no build step.
 *
 *   node --import ts-memory-profiler/register app.ts [args...]     (ES modules and CommonJS)
 *   node --require ts-memory-profiler/register app.ts [args...]    (CommonJS)
 *
 * Options come from the environment (loader/settings.ts: TS_MEMORY_PROFILER_PRECISION, _BACKEND,
 * _FORMAT, _OUTPUT, _AGGREGATE) and become `configure(...)` defaults before the program loads.
 * `ts-mprof run` starts node with this module.
 */
import Module = require('module');
import * as path from 'path';
import { pathToFileURL } from 'url';
import { isMainThread } from 'worker_threads';
import { openChannel } from './channel';
import { installRequireHooks } from './require';
import { SettingError, applySettings, settingsFromEnvironment } from './settings';

type Register = (specifier: string, options: { data: unknown; transferList: unknown[] }) => void;

function start(): void {
  try {
    applySettings(settingsFromEnvironment(process.env));
  } catch (error) {
    // A bad setting (or an output file that cannot be opened): one line, and the program does not run.
    const message = error instanceof SettingError ? error.message : error instanceof Error ? error.message : String(error);
    process.stderr.write(`ts-memory-profiler: ${message}\n`);
    process.exit(2);
  }
  const register = (Module as unknown as { register?: Register }).register;
  if (register) {
    // ES modules, and CommonJS compiled on the hooks thread.
    const channel = openChannel();
    register(pathToFileURL(path.join(__dirname, 'hooks.js')).href, { data: channel.data, transferList: channel.transferList });
    installRequireHooks(channel.compile);
  } else {
    // Node before 20.6: CommonJS only, compiled on this thread.
    installRequireHooks();
  }
  // Stack traces point into the .ts sources (each compiled file carries an inline source map).
  process.setSourceMapsEnabled(true);
}

// Node 20 also runs `--require`d modules on the loader's own hooks thread: nothing to do there.
if (isMainThread) start();
