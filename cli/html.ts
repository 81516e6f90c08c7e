/**
 * The HTML report: `ts-mprof html reports.jsonl [--timeline rec.dat] -o report.html` and
 * `ts-mprof run --html report.html app.ts`. One self-contained file (inline CSS and script, no
 * network): per profiled method its source lines with the figures summed over its calls, a bar per
 * figure, columns sortable by a click (or `#sort=column` in the address), the costliest lines
 * highlighted, a link from a line that calls another profiled method to that method's table, and
 * the memory-over-time chart (plot.ts's SVG) when a recording is given.
 */
import * as fs from 'fs';
import { formatMiB } from '../runtime/report';
import type { Report, ReportLine } from '../runtime/types';
import { readArguments } from './args';
import { DatError, readDat } from './dat';
import { escapeXml, renderSvg } from './plot';
import { guarded } from './recordings';
import { UsageError } from './usage';

type Line = ReportLine & { peakBytes?: number | null };

/** One method's lines, summed over its reports as `aggregate: true` sums them. */
export interface MethodTable {
  id: string;
  file: string;
  name: string;
  calls: number;
  backend: string;
  rows: Array<{
    line: number;
    source: string;
    occurrences: number;
    mem: number | null;
    increment: number | null;
    allocated: number | null;
    peak: number | null;
  }>;
  hasAllocated: boolean;
  hasPeak: boolean;
  /** The row of the `@profile` entry (its Increment is the entry reading, not a cost). */
  entry: number;
}

/** Reports (objects or JSON lines) summed per method, in the order of their first report. */
export function methodTables(reports: Iterable<Report>): MethodTable[] {
  const tables = new Map<string, MethodTable>();
  for (const report of reports) {
    const key = `${report.file}\0${report.name}`;
    let table = tables.get(key);
    const entry = report.lines.findIndex((l) => l.memBytes !== null);
    if (table === undefined) {
      table = {
        id: `m${tables.size + 1}`,
        file: report.file,
        name: report.name,
        calls: 0,
        backend: report.backend,
        rows: report.lines.map((l) => ({
          line: l.line,
          source: l.source,
          occurrences: 0,
          mem: null,
          increment: null,
          allocated: null,
          peak: null,
        })),
        hasAllocated: false,
        hasPeak: false,
        entry,
      };
      tables.set(key, table);
    }
    table.calls++;
    (report.lines as Line[]).forEach((line, i) => {
      const row = table!.rows[i];
      if (row === undefined || row.line !== line.line) return;
      row.occurrences += line.occurrences;
      if (line.memBytes !== null) row.mem = Math.max(row.mem ?? -Infinity, line.memBytes);
      if (line.incrementBytes !== null)
        row.increment = i === entry && row.increment !== null ? row.increment : (row.increment ?? 0) + line.incrementBytes;
      if (line.allocatedBytes !== undefined) table!.hasAllocated = true;
      if (line.allocatedBytes != null) row.allocated = (row.allocated ?? 0) + line.allocatedBytes;
      if (line.peakBytes !== undefined) table!.hasPeak = true;
      if (line.peakBytes != null) row.peak = Math.max(row.peak ?? -Infinity, line.peakBytes);
    });
  }
  return [...tables.values()];
}

/** The short name a call site uses: `Store.load` -> `load`, `Store.get size` -> `size`, `Store.#load` -> `#load`. */
function shortName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1).replace(/^[gs]et /, '');
}

const ESCAPE_RE = /[.*+?^${}()|[\]\\]/g;

/** The other profiled methods a source line calls (`.load(`, `load(`), by a match on their short name. */
function callees(source: string, self: MethodTable, tables: MethodTable[]): MethodTable[] {
  return tables.filter((t) => t !== self && new RegExp(`(^|[^\\w$#])${shortName(t.name).replace(ESCAPE_RE, '\\$&')}\\s*\\(`).test(source));
}

const COLUMNS = ['line', 'mem', 'increment', 'peak', 'allocated', 'occurrences', 'source'] as const;
type Column = (typeof COLUMNS)[number];
const TITLES: Record<Column, string> = {
  line: 'Line #',
  mem: 'Mem usage',
  increment: 'Increment',
  peak: 'Peak',
  allocated: 'Allocated',
  occurrences: 'Occurrences',
  source: 'Line Contents',
};
/** How many lines of a method at most are marked as the costliest (by Increment, else Peak, else Allocated). */
const HOT = 3;

function mib(bytes: number | null): string {
  return bytes === null ? '' : formatMiB(bytes, 1).trim();
}

function bar(value: number | null, max: number, kind: string): string {
  if (value === null || max <= 0) return '';
  const width = Math.min(100, (Math.abs(value) / max) * 100);
  return `<span class="bar ${kind}${value < 0 ? ' neg' : ''}" style="width:${width.toFixed(1)}%"></span>`;
}

function renderTable(table: MethodTable, tables: MethodTable[]): string {
  const columns = COLUMNS.filter((c) => (c !== 'peak' || table.hasPeak) && (c !== 'allocated' || table.hasAllocated));
  const body = table.rows.map((row, i) => ({
    ...row,
    increment: i === table.entry ? null : row.increment,
    entryIncrement: i === table.entry ? row.increment : null,
  }));
  const max = (pick: (r: (typeof body)[number]) => number | null) => Math.max(0, ...body.map((r) => Math.abs(pick(r) ?? 0)));
  const maxIncrement = max((r) => r.increment);
  const maxPeak = max((r) => r.peak);
  const maxAllocated = max((r) => r.allocated);
  const maxOccurrences = max((r) => r.occurrences);
  // The @profile row is never among the costliest: its figures are the call's entry, not a line's work.
  const cost = (r: (typeof body)[number]) => (r.entryIncrement !== null ? 0 : (r.increment ?? r.peak ?? r.allocated ?? 0));
  const top = Math.max(0, ...body.map(cost));
  // The costliest lines: the first few by cost, each at least a tenth of the costliest.
  const hot = new Set(
    body
      .filter((r) => cost(r) > 0 && cost(r) >= top / 10)
      .sort((a, b) => cost(b) - cost(a))
      .slice(0, HOT)
      .map((r) => r.line),
  );
  const out: string[] = [];
  out.push(`<section class="method" id="${table.id}">`);
  out.push(
    `<h2>${escapeXml(table.name)} <small>${escapeXml(table.file)} · ${table.calls} call${table.calls === 1 ? '' : 's'} · backend '${escapeXml(table.backend)}'</small></h2>`,
  );
  out.push(`<table class="lines" data-method="${escapeXml(table.name)}"><thead><tr>`);
  for (const c of columns)
    out.push(`<th data-column="${c}" data-type="${c === 'source' ? 'text' : 'number'}" title="sort by ${TITLES[c]}">${TITLES[c]}</th>`);
  out.push(`</tr></thead><tbody>`);
  for (const [index, row] of body.entries()) {
    const links = callees(row.source, table, tables)
      .map((t) => ` <a class="callee" href="#${t.id}" title="${escapeXml(t.name)}'s table">→ ${escapeXml(t.name)}</a>`)
      .join('');
    const ran = row.mem !== null || row.occurrences > 0;
    out.push(`<tr data-order="${index}" class="${hot.has(row.line) ? 'hot' : ''}${ran ? '' : ' idle'}">`);
    for (const c of columns) {
      switch (c) {
        case 'line':
          out.push(`<td class="num" data-value="${row.line}">${row.line}</td>`);
          break;
        case 'mem':
          out.push(`<td class="num" data-value="${row.mem ?? ''}">${mib(row.mem)}</td>`);
          break;
        case 'increment': {
          const shown = row.increment ?? row.entryIncrement;
          const note =
            row.entryIncrement !== null ? ' title="the entry reading (memory before the call), as memory_profiler shows it"' : '';
          out.push(
            `<td class="num fig" data-value="${row.increment ?? ''}"${note}>${bar(row.increment, maxIncrement, 'inc')}<span class="v">${mib(shown)}</span></td>`,
          );
          break;
        }
        case 'peak':
          out.push(
            `<td class="num fig" data-value="${row.peak ?? ''}">${bar(row.peak, maxPeak, 'peak')}<span class="v">${mib(row.peak)}</span></td>`,
          );
          break;
        case 'allocated':
          out.push(
            `<td class="num fig" data-value="${row.allocated ?? ''}">${bar(row.allocated, maxAllocated, 'alloc')}<span class="v">${mib(row.allocated)}</span></td>`,
          );
          break;
        case 'occurrences':
          out.push(
            `<td class="num fig" data-value="${ran ? row.occurrences : ''}">${bar(ran ? row.occurrences : null, maxOccurrences, 'occ')}<span class="v">${ran ? row.occurrences : ''}</span></td>`,
          );
          break;
        case 'source':
          out.push(`<td class="src" data-value="${escapeXml(row.source)}"><code>${escapeXml(row.source)}</code>${links}</td>`);
          break;
      }
    }
    out.push(`</tr>`);
  }
  out.push(`</tbody></table></section>`);
  return out.join('\n');
}

const STYLE = `body { font: 14px/1.4 Helvetica, Arial, sans-serif; margin: 24px; color: #222; background: #fff; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin: 28px 0 6px; } h2 small { font-weight: normal; color: #666; }
table { border-collapse: collapse; }
table.lines { width: 100%; }
th { text-align: left; background: #f0f0f0; cursor: pointer; padding: 4px 8px; border-bottom: 2px solid #ccc; white-space: nowrap; user-select: none; }
th.sorted-asc::after { content: ' ▲'; } th.sorted-desc::after { content: ' ▼'; }
td { padding: 2px 8px; border-bottom: 1px solid #eee; vertical-align: middle; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.fig { position: relative; min-width: 110px; }
td.fig .bar { position: absolute; left: 0; top: 3px; bottom: 3px; opacity: 0.35; }
td.fig .v { position: relative; }
.bar.inc { background: #d62728; } .bar.inc.neg { background: #2ca02c; } .bar.peak { background: #9467bd; }
.bar.alloc { background: #ff7f0e; } .bar.occ { background: #1f77b4; }
td.src code { white-space: pre; font: 13px/1.3 Menlo, Consolas, monospace; }
tr.hot td { background: #fff1e6; } tr.hot td.src code { font-weight: bold; }
tr.idle td { color: #999; }
a.callee { margin-left: 12px; font-size: 12px; color: #0b61a4; text-decoration: none; border: 1px solid #9cc3e6; border-radius: 3px; padding: 0 4px; }
section.method:target h2 { background: #fffbcc; }
.summary td, .summary th { padding: 3px 10px; }
.chart svg { max-width: 100%; height: auto; }`;

/** Sorting: a click on a header sorts by it (again: the other way); `#sort=increment` (or `-increment`) on load. */
const SCRIPT = `(function () {
  function value(td, type) {
    var v = td.getAttribute('data-value');
    if (type === 'text') return v;
    return v === '' ? null : Number(v);
  }
  function sortTable(table, column, descending) {
    var ths = table.tHead.rows[0].cells, index = -1, type = 'number';
    for (var i = 0; i < ths.length; i++) {
      ths[i].classList.remove('sorted-asc', 'sorted-desc');
      if (ths[i].getAttribute('data-column') === column) { index = i; type = ths[i].getAttribute('data-type'); }
    }
    if (index < 0) return;
    ths[index].classList.add(descending ? 'sorted-desc' : 'sorted-asc');
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a.cells[index], type), y = value(b.cells[index], type);
      if (x === y) return Number(a.getAttribute('data-order')) - Number(b.getAttribute('data-order'));
      if (x === null) return 1;
      if (y === null) return -1;
      var c = type === 'text' ? String(x).localeCompare(String(y)) : x - y;
      return descending ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    table.setAttribute('data-sorted', (descending ? '-' : '') + column);
  }
  document.querySelectorAll('table.lines').forEach(function (table) {
    table.tHead.addEventListener('click', function (e) {
      var th = e.target.closest('th');
      if (!th) return;
      var column = th.getAttribute('data-column');
      var descending = table.getAttribute('data-sorted') !== '-' + column && column !== 'line' && column !== 'source';
      if (table.getAttribute('data-sorted') === column) descending = true;
      else if (table.getAttribute('data-sorted') === '-' + column) descending = false;
      sortTable(table, column, descending);
    });
  });
  var m = /(?:^#|&)sort=(-?)(\\w+)/.exec(location.hash);
  if (m) document.querySelectorAll('table.lines').forEach(function (t) { sortTable(t, m[2], m[1] === '-'); });
  document.documentElement.setAttribute('data-ready', '1');
})();`;

export interface HtmlOptions {
  title?: string;
  /** The SVG of a timeline recording (plot.ts), shown above the tables. */
  chart?: string;
}

export function renderReportHtml(reports: Iterable<Report>, options: HtmlOptions = {}): string {
  const tables = methodTables(reports);
  const title = options.title ?? 'ts-memory-profiler report';
  const out: string[] = [];
  out.push(`<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeXml(title)}</title>`);
  // No network: the page may not load anything, and says so to the browser.
  out.push(
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
  );
  out.push(`<style>\n${STYLE}\n</style>\n</head>\n<body>`);
  out.push(`<h1>${escapeXml(title)}</h1>`);
  if (options.chart) out.push(`<div class="chart">\n${options.chart}</div>`);
  out.push(`<table class="summary"><thead><tr><th>method</th><th>file</th><th>calls</th><th>Increment (sum)</th></tr></thead><tbody>`);
  for (const t of tables) {
    const sum = t.rows.reduce((s, r, i) => s + (i === t.entry ? 0 : (r.increment ?? 0)), 0);
    out.push(
      `<tr><td><a href="#${t.id}">${escapeXml(t.name)}</a></td><td>${escapeXml(t.file)}</td><td class="num">${t.calls}</td><td class="num">${mib(sum)}</td></tr>`,
    );
  }
  out.push(`</tbody></table>`);
  if (tables.length === 0) out.push(`<p>No reports.</p>`);
  for (const t of tables) out.push(renderTable(t, tables));
  out.push(`<script>\n${SCRIPT}\n</script>\n</body>\n</html>\n`);
  return out.join('\n');
}

/** Reads a file of JSON reports, one a line (`format: 'json'`); other lines (a program's output) are skipped. */
export function readReports(file: string): Report[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new DatError(
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${file}: no such file` : `${file}: ${(error as Error).message}`,
    );
  }
  const reports: Report[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const r = value as Report;
    if (r && typeof r.name === 'string' && typeof r.file === 'string' && Array.isArray(r.lines)) reports.push(r);
  }
  return reports;
}

export function writeOutput(target: string, html: string): void {
  try {
    fs.writeFileSync(target, html);
  } catch (error) {
    throw new DatError(`cannot write ${target}: ${(error as Error).message}`);
  }
}

/** `ts-mprof html reports.jsonl [--timeline rec.dat] [--title T] -o report.html`. */
export function main(args: string[]): number {
  let output: string | undefined;
  let timeline: string | undefined;
  let title: string | undefined;
  const operands = readArguments(args, (flag) => {
    if (flag.name === '-o' || flag.name === '--output') output = flag.value();
    else if (flag.name === '--timeline') timeline = flag.value();
    else if (flag.name === '--title') title = flag.value();
    else throw new UsageError(`unknown option '${flag.name}'`);
  });
  if (operands.length !== 1) throw new UsageError(`html takes one file of JSON reports, got ${operands.length}`);
  if (output === undefined) throw new UsageError('html needs -o report.html');
  return guarded('html', () => {
    const reports = readReports(operands[0]);
    if (reports.length === 0) throw new DatError(`${operands[0]}: no JSON reports in it (write them with --format json)`);
    const chart = timeline === undefined ? undefined : renderSvg(readDat(timeline), timeline);
    writeOutput(output!, renderReportHtml(reports, { title, chart }));
    process.stdout.write(`${output}\n`);
  });
}
