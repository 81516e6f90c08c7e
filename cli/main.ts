#!/usr/bin/env node
/**
 * `ts-mprof`: the command line. This file only dispatches; each command lives in a file of its own
 * and exports `main(args): Promise<number> | number` (the exit code).
 *
 *   ts-mprof run app.ts [args...]                   cli/run.ts
 *   ts-mprof run --timeline [...] -- COMMAND...     cli/timeline.ts
 *   ts-mprof plot | list | peak | clean             cli/plot.ts, cli/recordings.ts
 *   ts-mprof html reports.jsonl -o report.html      cli/html.ts
 *   ts-mprof check --baseline FILE reports.jsonl    cli/check.ts
 *
 * Bad arguments throw a UsageError: the message and the usage go to stderr, exit code 2.
 */
import { UsageError, usage } from './usage';

type Command = (args: string[]) => Promise<number> | number;

/** Loaded on demand, so `ts-mprof list` does not load the compiler. */
const COMMANDS: Record<string, () => Command> = {
  run: () => require('./run').main,
  timeline: () => require('./timeline').main,
  plot: () => require('./plot').main,
  list: () => require('./recordings').list,
  peak: () => require('./recordings').peak,
  clean: () => require('./recordings').clean,
  html: () => require('./html').main,
  check: () => require('./check').main,
};

/** `run --timeline ... -- COMMAND` records memory over time; plain `run` profiles a TypeScript program. */
function commandOf(args: string[]): string | undefined {
  const [name, ...rest] = args;
  if (name !== 'run') return name;
  const end = rest.indexOf('--');
  return (end < 0 ? rest : rest.slice(0, end)).includes('--timeline') ? 'timeline' : 'run';
}

export async function main(args: string[]): Promise<number> {
  const name = commandOf(args);
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process[name === undefined ? 'stderr' : 'stdout'].write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${require('../../package.json').version}\n`);
    return 0;
  }
  // `timeline` is reached through `run --timeline` only.
  const known = Object.prototype.hasOwnProperty.call(COMMANDS, name) && (name !== 'timeline' || args[0] === 'run');
  const command = known ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`ts-mprof: unknown command '${args[0]}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await command()(args.slice(1));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`ts-mprof ${args[0]}: ${error.message}\n\n${usage(args[0])}`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // A failure of the tool itself: one line, no stack, unless asked for.
      const message = error instanceof Error ? (process.env.TS_MPROF_DEBUG ? error.stack : error.message) : String(error);
      process.stderr.write(`ts-mprof: ${message}\n`);
      process.exitCode = 1;
    },
  );
}
