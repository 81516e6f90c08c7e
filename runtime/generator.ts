/**
 * Profiled generator and async generator calls. The call returns at once and the body runs at each
 * `next()`, so the call's frame lives as long as the generator:
 * - the body takes the frame at its first run (the generator's first `next()`);
 * - readings are taken only while the body runs: a sync generator's frame is suspended each time a
 *   step returns, an async generator's at each `yield` (`__yielding`, emitted by the transformer);
 *   the body's next probe takes a fresh baseline, so what the consumer does in between is no line's;
 * - the body itself ends the call when it completes (returns, throws, or is closed by `return()` or
 *   a `break` out of `for...of`): `try/finally -> __leave`, as async methods do;
 * - a generator dropped unfinished writes no report; its frame goes with it.
 *
 * The caller gets an object that behaves as the generator: it inherits the generator's prototype (so
 * `instanceof`, `Symbol.iterator`, `Symbol.toStringTag` are the generator's) and forwards `next`,
 * `return` and `throw` to it, returning the generator's own results (the same promises, for an async
 * generator: no extra turns of the event loop).
 */
import { open } from './call';
import type { Frame, Site } from './frame';
import { swapPending } from './handoff';
import type { GcRecorder } from './gc';
import { PLUGIN_SETUP, sayOnce } from './stderr';
import { isEnabled } from './settings';

type Method = 'next' | 'return' | 'throw';
type AnyGenerator = Generator | AsyncGenerator;

export function callGenerator(site: Site, original: Function, thisArg: unknown, args: ArrayLike<unknown>, async: boolean): unknown {
  if (!isEnabled(site.own)) return Reflect.apply(original, thisArg, args);
  const frame = open(site);
  const generator = Reflect.apply(original, thisArg, args) as AnyGenerator;
  if (frame === null) return generator;
  return profiledGenerator(generator, frame, async);
}

/** With gc: true, a generator dropped unfinished must not leave its GC recording running. */
const dropped = new FinalizationRegistry<GcRecorder>((recorder) => recorder.stop());

function profiledGenerator(generator: AnyGenerator, frame: Frame, async: boolean): object {
  const step = (method: Method, value: unknown): unknown => {
    // Until the body has run, its first statement is to take the frame: it is left pending.
    const claiming = !frame.claimed;
    const previous = claiming ? swapPending(frame) : null;
    try {
      return (generator[method] as (v: unknown) => unknown)(value);
    } finally {
      if (claiming) swapPending(previous);
      if (frame.claimed) {
        if (!async) frame.suspend();
      } else if (method === 'next') {
        notInstrumented(frame);
      }
    }
  };
  const profiled = Object.create(Object.getPrototypeOf(generator)) as object;
  // Own, non-enumerable methods, as the generator's prototype has them: Object.keys stays empty.
  const methods = {
    next(value?: unknown) {
      return step('next', value);
    },
    return(value?: unknown) {
      return step('return', value);
    },
    throw(error?: unknown) {
      return step('throw', error);
    },
  };
  for (const name of ['next', 'return', 'throw'] as const) {
    Object.defineProperty(profiled, name, { value: methods[name], writable: true, enumerable: false, configurable: true });
  }
  if (frame.gc !== null) {
    // The registry may stop it long after the report: it must never record another call.
    frame.gc.reusable = false;
    dropped.register(profiled, frame.gc);
  }
  return profiled;
}

function notInstrumented(frame: Frame): void {
  const name = frame.site?.describe(undefined) ?? 'a generator';
  sayOnce(
    'generator-not-instrumented',
    `${name}: a generator built without the transformer writes no report (its body runs at each next(), after the call returned). ` +
      `For line-by-line reports: ${PLUGIN_SETUP}.`,
  );
}
