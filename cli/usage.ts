/**
 * The usage text of `ts-mprof` and of each command, and the error that asks for it.
 */

/** Bad arguments: the command prints its usage and exits with 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const COMMANDS: Record<string, string> = {
  run: `ts-mprof run [options] app.ts [args...]
  Runs a TypeScript program with every @profile method instrumented: no tsconfig plugin, no build.
    --precision N             decimals of the MiB figures (0-10)
    --backend heap|rss|exact  what a reading is
    --format text|json        the reports' format
    -o FILE                   append the reports to FILE instead of writing them to stdout
    --aggregate               one table per method at exit, summed over all its calls
    --html FILE               also write an HTML report of the reports to FILE when the program exits
    --speedscope FILE         also write the reports as a speedscope flame graph (bytes per line) to FILE
    --pprof FILE              also write a pprof profile of the reports to FILE at exit (go tool pprof -list)
    --peak                    add the Peak column: the most live memory each line needed at once

ts-mprof run --timeline [--interval S] [--include-children] [-o FILE.dat] -- COMMAND [args...]
  Samples the memory of COMMAND (and its children) over time into an mprof .dat file.
`,
  plot: `ts-mprof plot [-o out.svg|out.html] [--title T] [--] [FILE.dat]
  Draws memory over time, each profiled call as a bracket. The last recording by default.
`,
  list: `ts-mprof list
  Lists the recordings (mprofile_*.dat) in the current directory.
`,
  peak: `ts-mprof peak [--] [FILE.dat]
  Prints the peak memory of a recording. The last one by default.
`,
  html: `ts-mprof html [--timeline FILE.dat] [--title T] -o report.html [--] reports.jsonl
  Writes an HTML report (one file, no network) of JSON reports (--format json): per method, its
  source with a bar per figure, sortable columns, links to the profiled methods a line calls.
`,
  check: `ts-mprof check --baseline FILE [--update] [--bytes N] [--percent P] [--markdown FILE] [--] reports.jsonl
  Compares each line's Peak in JSON reports (run --peak --format json) with a baseline file: exit 1
  when a line grew by more than --bytes (default 512 KiB) and --percent (default 10); --markdown
  also writes the diff as a Markdown table; --update writes the lines into FILE instead.
`,
  clean: `ts-mprof clean
  Removes the recordings (mprofile_*.dat) in the current directory.
`,
};

export function usage(command?: string): string {
  if (command !== undefined && Object.prototype.hasOwnProperty.call(COMMANDS, command)) return `usage: ${COMMANDS[command]}`;
  return `usage: ts-mprof <command> [options]\n\n${Object.values(COMMANDS).join('\n')}`;
}
