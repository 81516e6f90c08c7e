/**
 * `new` on a profiled function constructs it unprofiled. Its instrumented body still starts with
 * `enter`, which takes the frame a wrapper has made and its body not yet taken: a `new Point()` in a
 * profiled method's parameter default runs exactly then, and would take that method's frame (its
 * report then showing the constructor's lines under the method's call, and the method's own body
 * unprofiled). So nothing is pending while it constructs.
 */
import { swapPending } from './frame';

export function constructUnprofiled(impl: Function, args: ArrayLike<unknown>, newTarget: Function): unknown {
  const pending = swapPending(null);
  try {
    return Reflect.construct(impl, args, newTarget);
  } finally {
    swapPending(pending);
  }
}
