/**
 * `ts-mprof run [options] app.ts [args...]`: runs a TypeScript program with every `@profile` method
 * instrumented, without a tsconfig plugin or a build. It starts node with the loader
 * (`--import ts-memory-profiler/register`) and passes the options through the environment
 * variables the loader reads, so both ways of starting behave the same. The program's exit code is
 * the command's.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { environmentFor } from '../loader/environment';
import { REPORTS_ENV } from '../runtime/report/report-file';
import { exitStatus, forwardSignals } from './child';
import { readReports, renderReportHtml, writeOutput } from './html';
import { parseRunArguments } from './run-arguments';
import { toSpeedscope } from './speedscope';

const REGISTER = pathToFileURL(path.join(__dirname, '..', 'loader', 'register.js')).href;

/**
 * Node's flags for the program, on its command line (NODE_OPTIONS takes only a few V8 flags, not
 * this one). `--no-concurrent-recompilation`: V8's optimizing compilers (Maglev, TurboFan) work on
 * the main thread. On a helper thread, a job allocates through a buffer of its own that the used
 * heap counts whole while the thread holds it, and a call whose lines allocate nothing read +85-800
 * KB on one line and about as much less on the next (a loop of 2e6 probes; Node 26 with a gc()
 * between calls: 1-5 of 5-8 processes, 0 of 13 with this; Node 20 in CI: 792,576 B). Set at run
 * time by the profiler, as it sets `--no-concurrent-sparkplug`, the flag does not reach Maglev: it
 * has to be on the command line.
 */
const NODE_FLAGS = ['--no-concurrent-recompilation', '--import', REGISTER];

export async function main(args: string[]): Promise<number> {
  const { settings, program, args: programArgs, html, speedscope } = parseRunArguments(args);
  const file = path.resolve(program);
  if (!isFile(file)) {
    process.stderr.write(`ts-mprof run: cannot find ${program}\n`);
    return 2;
  }
  if (settings.output !== undefined) {
    // Checked here, so that a wrong path is a one-line error before the program starts.
    try {
      fs.closeSync(fs.openSync(settings.output, 'a'));
    } catch (error) {
      process.stderr.write(`ts-mprof run: cannot write ${settings.output}: ${(error as Error).message}\n`);
      return 2;
    }
    settings.output = path.resolve(settings.output);
  }
  if (settings.pprof !== undefined) settings.pprof = path.resolve(settings.pprof);
  // --html: the program also appends each report as JSON to a file of ours, turned into the page at the end.
  const reportsFile =
    html === undefined && speedscope === undefined
      ? undefined
      : path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ts-mprof-')), 'reports.jsonl');
  const child = spawn(process.execPath, [...NODE_FLAGS, file, ...programArgs], {
    stdio: 'inherit',
    env: { ...process.env, ...environmentFor(settings), ...(reportsFile === undefined ? {} : { [REPORTS_ENV]: reportsFile }) },
  });
  const stopForwarding = forwardSignals(child);
  let code: number;
  try {
    code = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (exitCode, signal) => resolve(exitStatus(exitCode, signal)));
    });
  } finally {
    stopForwarding();
  }
  if (reportsFile !== undefined) {
    // Written whatever the program's exit code: a failing run's reports are worth a look too.
    const reports = fs.existsSync(reportsFile) ? readReports(reportsFile) : [];
    fs.rmSync(path.dirname(reportsFile), { recursive: true, force: true });
    const outputs: Array<[string | undefined, () => string]> = [
      [html, () => renderReportHtml(reports, { title: `ts-mprof run ${program}` })],
      [speedscope, () => `${JSON.stringify(toSpeedscope(reports, `ts-mprof run ${program}`))}\n`],
    ];
    for (const [target, render] of outputs) {
      if (target === undefined) continue;
      try {
        writeOutput(target, render());
        process.stderr.write(`ts-mprof run: ${reports.length} report${reports.length === 1 ? '' : 's'} in ${target}\n`);
      } catch (error) {
        process.stderr.write(`ts-mprof run: ${(error as Error).message}\n`);
        if (code === 0) code = 1;
      }
    }
  }
  return code;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
