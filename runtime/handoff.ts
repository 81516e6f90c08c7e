/**
 * Handing a call's frame from its wrapper to the body it calls: the methods that keep a wrapper
 * (generators, builds without the transformer, a class evaluated again with other options) make the
 * frame in the wrapper, and the instrumented body takes it in its first statement (call.ts, enter).
 */
import type { Frame } from './frame';
import type { LineTable } from './types';

/**
 * The frame a wrapper has created and its body has not taken yet. The wrapper sets it right before
 * calling the original method and puts the previous value back when it returns, so nested and
 * recursive calls each find their own; the body takes it in its first statement (`enter`).
 */
let pending: Frame | null = null;

export function swapPending(frame: Frame | null): Frame | null {
  const previous = pending;
  pending = frame;
  return previous;
}

/**
 * The frame a wrapper left for this body, if there is one: the body's first statement takes it
 * (`enter`). Only a frame of this method's own site: a body never takes another method's frame.
 */
export function takePending(table: LineTable): Frame | null {
  const frame = pending;
  if (frame === null || frame.site === null || frame.site.table !== table) return null;
  pending = null;
  return frame;
}
