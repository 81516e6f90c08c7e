/**
 * The one argument grammar of every `ts-mprof` command: options are `--flag`, `--flag=value`,
 * `--flag value`, `-o value`; `--` ends them, and every word after it is an operand; `-` and a
 * negative number (`-1`, a recording's number) are operands, not options. `ts-mprof run` stops at its
 * first operand, the program (what follows is the program's: readOptions); the other commands take
 * options before and after their operands (readArguments).
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

function isOperand(arg: string): boolean {
  return !arg.startsWith('-') || arg === '-' || /^-\d+$/.test(arg);
}

/** Calls `take` with each option (it throws a UsageError for one it does not know); returns the index of the first operand. */
export function readOptions(args: readonly string[], take: (flag: Flag) => void): number {
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return i + 1;
    if (isOperand(arg)) break;
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

/** Options anywhere (until `--`), passed to `take`; returns the operands in order. */
export function readArguments(args: readonly string[], take: (flag: Flag) => void): string[] {
  const operands: string[] = [];
  for (let from = 0; from < args.length;) {
    const first = from + readOptions(args.slice(from), take);
    if (first > from && args[first - 1] === '--') {
      operands.push(...args.slice(first));
      break;
    }
    if (first >= args.length) break;
    operands.push(args[first]);
    from = first + 1;
  }
  return operands;
}
