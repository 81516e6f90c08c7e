/**
 * The options before a command's operands, read the same way by every `ts-mprof` command: `--flag`,
 * `--flag=value`, `--flag value`, `-o value`. `--`, or the first word that is not an option, ends
 * them; what follows is the command's (a program and its arguments).
 */
import { UsageError } from './usage';

export interface Flag {
  /** The flag as written (`--interval`, `-T`), without its `=value`. */
  readonly name: string;
  /** Its value, from `=value` or the next argument; a UsageError when there is none. */
  value(): string;
  /** A switch: a UsageError when it was given `=value`. */
  noValue(): void;
}

/** Calls `take` with each option (it throws a UsageError for one it does not know); returns the index of the first operand. */
export function readOptions(args: readonly string[], take: (flag: Flag) => void): number {
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return i + 1;
    if (!arg.startsWith('-') || arg === '-') break;
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = equals < 0 ? arg : arg.slice(0, equals);
    take({
      name,
      value: () => {
        if (equals >= 0) return arg.slice(equals + 1);
        if (i + 1 >= args.length) throw new UsageError(`${name} needs a value`);
        return args[++i];
      },
      noValue: () => {
        if (equals >= 0) throw new UsageError(`${name} takes no value`);
      },
    });
  }
  return i;
}
