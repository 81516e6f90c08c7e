/**
 * The loader's compiler thread where the hooks run on the program's own thread
 * (`module.registerHooks`, loader/sync-hooks.ts): a worker that answers each file with its compiled
 * JavaScript (loader/channel.ts). Its heap, TypeScript's included, is not the program's.
 */
import { readFileSync } from 'fs';
import { workerData } from 'worker_threads';
import type { ChannelData } from './channel';
import { serveChannel } from './channel';
import { compile, loadCompiler } from './compile';

const data = workerData as ChannelData;
serveChannel(data, (file, format) => compile(file, readFileSync(file, 'utf8'), format));
// The channel is all this thread is for: it keeps the thread alive (the main thread unrefs the
// worker itself, so the program still ends when it is done).
data.port.ref();
// TypeScript takes a few hundred ms to load: start while the main thread is still starting up.
try {
  loadCompiler();
} catch {
  // Reported with the first file compiled.
}
