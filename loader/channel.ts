/**
 * The compiler runs on a thread of its own, asked for each file synchronously from the main thread
 * (`require` and `module.registerHooks`'s hooks cannot wait): the compiler, some 20 MB of heap, then
 * never sits in the heap of the program being profiled, whose figures stay what they would be after
 * a build. That thread is `module.register`'s hooks thread on Node 20 (CommonJS files only: it
 * compiles ES modules in its own `load` hook), or a worker of the loader's own elsewhere
 * (loader/compile-worker.ts).
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort } from 'worker_threads';
import { BuildError, type Format } from './compile';

/** What the main thread hands the compiler's thread (`module.register`'s `data`, or `workerData`). */
export interface ChannelData {
  port: MessagePort;
  /** Counts the answers, so the main thread can sleep until the next one. */
  signal: Int32Array;
}

type Request = { file: string; format: Format };
type Answer = { code: string } | { buildError: string } | { failure: string };

/** The longest the main thread waits for one file (the first one also loads the compiler). */
const PATIENCE_MS = 120_000;

/** Main thread: the channel's far end, to hand the compiler's thread, and the synchronous `compile`. */
export function openChannel(): { data: ChannelData; transferList: MessagePort[]; compile(file: string, format: Format): string } {
  const { port1, port2 } = new MessageChannel();
  port1.unref();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  return {
    data: { port: port2, signal },
    transferList: [port2],
    compile(file, format) {
      port1.postMessage({ file, format } satisfies Request);
      const deadline = Date.now() + PATIENCE_MS;
      for (;;) {
        const seen = Atomics.load(signal, 0);
        const received = receiveMessageOnPort(port1);
        if (received) return unpack(received.message as Answer);
        if (Date.now() > deadline || Atomics.wait(signal, 0, seen, PATIENCE_MS) === 'timed-out') {
          throw new Error(`ts-memory-profiler: the loader's compiler thread did not answer for ${file}`);
        }
      }
    },
  };
}

function unpack(answer: Answer): string {
  if ('code' in answer) return answer.code;
  if ('buildError' in answer) throw new BuildError(answer.buildError);
  throw new Error(answer.failure);
}

/** The compiler's thread: answers each file name with its compiled JavaScript, in the format asked for. */
export function serveChannel({ port, signal }: ChannelData, compile: (file: string, format: Format) => string): void {
  port.on('message', ({ file, format }: Request) => {
    let answer: Answer;
    try {
      answer = { code: compile(file, format) };
    } catch (error) {
      answer =
        error instanceof BuildError ? { buildError: error.message } : { failure: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(answer);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
  port.unref();
}
