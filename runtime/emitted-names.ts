/**
 * The contract between the code the transformer emits and the runtime, named once for both sides:
 * the runtime's hooks that emitted code calls on the package's exports (`__mp.__line(frame, n)`), and
 * the frame's methods it calls on the frame it holds. `runtime/index.ts` exports each hook under the
 * name given here (an export's name cannot be computed: `test/contract.test.ts` checks that every
 * name here is a function of the runtime, and that the transformer emits no other).
 */
export const HOOKS = {
  /** The probe: work on line `n` starts (frame.ts `line`). */
  line: '__line',
  /** An async generator's body is about to stop at a `yield` (frame.ts `yielding`). */
  yielding: '__yielding',
  /** A class's instrumented members publish their line tables (registry.ts `register`). */
  register: '__register',
  /** An instrumented body's first statement takes its call's frame (call.ts `enter`). */
  enter: '__enter',
  /** Its `finally`: the call ends (call.ts `leave`). */
  leave: '__leave',
  /** `profile(function () {...})` and `/** @profile *\/ function`, instrumented (decorator.ts). */
  function: '__function',
  /** `@profile` on an instrumented member: the decorator, told the member's line tables (decorator.ts). */
  instrumented: '__instrumented',
  /** The source file's path, resolved when the emitted module loads (source-file.ts). */
  sourceFile: '__sourceFile',
} as const;

/**
 * Methods of the frame that emitted code calls directly, around a function written inside a profiled
 * method: `const c = frame.save(); try { ... } finally { frame.restore(c); }` (frame.ts).
 */
export const FRAME_METHODS = {
  save: 'save',
  restore: 'restore',
} as const;
