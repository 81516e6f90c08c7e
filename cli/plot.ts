/**
 * `ts-mprof plot [FILE] [-o out.svg|out.html] [--title T]`: memory over time (MiB against seconds
 * since the start) as a self-contained SVG, drawn here without a chart library. Each profiled call
 * (FUNC record) is a bracket pair on the curve, as in mprof, plus a labelled span ("name 0.123 s")
 * in a strip above the chart. The newest recording in the directory by default.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DatError, scanDat, type FuncCall, type Recording, type Sample } from './dat';
import { progressOnTerminal } from './progress';
import { chooseRecording, formatDate, guarded } from './recordings';
import { readArguments } from './args';
import { Columns } from './columns';
import { printable } from './printable';
import { UsageError } from './usage';

export interface PlotOptions {
  title?: string;
}

const WIDTH = 900;
const PLOT_HEIGHT = 360;
const MARGIN = { left: 72, right: 24, top: 58, bottom: 54 };
const LANE = 18;
const MAX_LANES = 8;
const FONT = 'font-family="Helvetica, Arial, sans-serif"';
/** Rough width of a character of the 11 px labels, to keep labels from overlapping. */
const CHAR = 6.3;
const COLORS = ['#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#bcbd22'];
const LINE_COLOR = '#1f77b4';

/** Text for SVG and HTML: markup characters as references, control characters as visible escapes (printable.ts). */
export function escapeXml(text: string): string {
  return printable(text).replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** About `count` round tick values (1, 2, 5 times a power of ten), the first <= lo, the last >= hi. */
export function ticks(lo: number, hi: number, count = 6): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.floor(lo / step + 1e-9) * step; v < hi + step * (1 - 1e-9); v += step) out.push(Number(v.toFixed(10)));
  return out;
}

function decimalsOf(values: number[]): number {
  const step = values.length > 1 ? Math.abs(values[1] - values[0]) : 1;
  return Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
}

/** `name 0.123 s`, mprof's bracket label with a space before the unit. */
export function callLabel(call: FuncCall): string {
  return `${call.name} ${(call.t1 - call.t0).toFixed(3)} s`;
}

interface Placed {
  call: FuncCall;
  lane: number;
  /** Where the label's text starts: at the span, or pulled left to stay inside the chart. */
  textX: number;
}

/** At most this many calls get a label (the longest ones): more would hide the chart. */
const MAX_LABELS = 24;

/**
 * Puts the longest calls' spans and labels in the first lane where they overlap nothing; the others
 * are drawn on the curve only and counted.
 */
function placeLabels(columns: Columns, x: (t: number) => number, right: number): { placed: Placed[]; unlabelled: number; lanes: number } {
  const longest = columns.longestCalls(MAX_LABELS);
  const ends: number[] = [];
  const placed: Placed[] = [];
  for (const call of longest.sort((a, b) => a.t0 - b.t0 || (a.level ?? 0) - (b.level ?? 0))) {
    const start = x(call.t0);
    const textW = 4 + callLabel(call).length * CHAR;
    const textX = Math.min(start + 2, right - textW);
    const from = Math.min(start, textX);
    const end = Math.max(x(call.t1), textX + textW);
    let lane = ends.findIndex((e) => e + 6 <= from);
    if (lane < 0 && ends.length < MAX_LANES) lane = ends.push(-Infinity) - 1;
    if (lane < 0) continue;
    ends[lane] = end;
    placed.push({ call, lane, textX });
  }
  return { placed, unlabelled: columns.callCount - placed.length, lanes: ends.length };
}

/** At most this many calls get brackets on the curve (the longest ones), so a million calls make a chart, not 100 MB of paths. */
export const MAX_BRACKETS = 2000;

/**
 * The pixel runs [from, to) covered by at least one of a function's calls: a difference array over
 * the chart's pixel columns, so a million calls' bands are a few rectangles, found in one pass.
 */
class Coverage {
  private readonly diff: Int32Array;
  constructor(
    private readonly left: number,
    width: number,
  ) {
    this.diff = new Int32Array(Math.ceil(width) + 2);
  }
  add(x0: number, x1: number): void {
    const last = this.diff.length - 1;
    const from = Math.max(0, Math.min(last, Math.floor(x0 - this.left)));
    const to = Math.max(from + 1, Math.min(last, Math.ceil(x1 - this.left)));
    this.diff[from]++;
    this.diff[to]--;
  }
  runs(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let depth = 0;
    let from = -1;
    for (let i = 0; i < this.diff.length; i++) {
      depth += this.diff[i];
      if (depth > 0 && from < 0) from = i;
      if (depth <= 0 && from >= 0) {
        out.push([this.left + from, this.left + i]);
        from = -1;
      }
    }
    return out;
  }
}

/** The chart as a standalone SVG document: its layout, then each of its parts, back to front. */
export function renderSvg(recording: Recording | Columns, file: string, options: PlotOptions = {}): string {
  const columns = recording instanceof Columns ? recording : Columns.of(recording);
  const start = columns.start();
  if (start === undefined) throw new DatError(`${file}: nothing to plot (no MEM or FUNC lines)`);
  const chart = layOut(columns, start);
  const out: string[] = [];
  header(out, chart, file, options);
  axes(out, chart);
  callBands(out, chart);
  memoryCurve(out, chart);
  peakMark(out, chart);
  brackets(out, chart);
  labelledSpans(out, chart);
  legend(out, chart);
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}

/** One decimal, for coordinates. */
const f = (v: number) => v.toFixed(1);

/** Per function: its colour, number of calls, time in all (for the legend), and its bands. */
interface FunctionStats {
  color: string;
  calls: number;
  total: number;
  bands: Coverage;
}

/** Where everything goes: the scales, the rows (label strip, plot, legend) and what is drawn. */
interface Chart {
  columns: Columns;
  start: number;
  /** Time (epoch s) to x; a duration from the start to x; memory (MiB) to y. */
  x: (t: number) => number;
  xr: (t: number) => number;
  y: (mem: number) => number;
  plotW: number;
  stripTop: number;
  plotTop: number;
  plotBottom: number;
  legendTop: number;
  height: number;
  xTicks: number[];
  yTicks: number[];
  placed: Placed[];
  unlabelled: number;
  stats: FunctionStats[];
  color: (name: string) => string;
  bracketed: FuncCall[];
  top: Sample | undefined;
}

function layOut(columns: Columns, start: number): Chart {
  // Loops, not Math.min(...values): a spread of a million values overflows the stack.
  let memLo = Infinity;
  let memHi = -Infinity;
  let tHi = -Infinity;
  for (const list of [columns.sampleMem.values, columns.callMem0.values, columns.callMem1.values]) {
    for (const mem of list) {
      if (mem < memLo) memLo = mem;
      if (mem > memHi) memHi = mem;
    }
  }
  for (const list of [columns.sampleT.values, columns.callT0.values, columns.callT1.values]) for (const t of list) if (t > tHi) tHi = t;
  if (memHi - memLo < 1) [memLo, memHi] = [memLo - 0.5, memHi + 0.5];
  const pad = (memHi - memLo) * 0.06;
  const yTicks = ticks(Math.max(0, memLo - pad), memHi + pad);
  const [yLo, yHi] = [yTicks[0], yTicks[yTicks.length - 1]];
  const xTicks = ticks(0, tHi - start || 1, 8);
  const xHi = xTicks[xTicks.length - 1];

  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const x = (t: number) => MARGIN.left + ((t - start) / xHi) * plotW;
  const xr = (t: number) => MARGIN.left + (t / xHi) * plotW;

  const { placed, unlabelled, lanes } = placeLabels(columns, x, WIDTH - 4);
  const names = columns.names;
  const stats = names.map((_, i) => ({ color: COLORS[i % COLORS.length], calls: 0, total: 0, bands: new Coverage(MARGIN.left, plotW) }));
  for (let i = 0; i < columns.callCount; i++) {
    const entry = stats[columns.callName.data[i]];
    const [t0, t1] = [columns.callT0.data[i], columns.callT1.data[i]];
    entry.calls++;
    entry.total += t1 - t0;
    entry.bands.add(x(t0), x(t1));
  }
  const color = (name: string) => stats[names.indexOf(name)].color;
  const bracketed = columns.longestCalls(MAX_BRACKETS);
  const stripTop = MARGIN.top;
  const plotTop = stripTop + (lanes ? lanes * LANE + 10 : 0);
  const plotBottom = plotTop + PLOT_HEIGHT;
  const y = (mem: number) => plotBottom - ((mem - yLo) / (yHi - yLo)) * PLOT_HEIGHT;
  const legendTop = plotBottom + MARGIN.bottom;
  const legendRows = names.length + (unlabelled ? 1 : 0) + (bracketed.length < columns.callCount ? 1 : 0);
  const height = legendTop + legendRows * 18 + 12;
  return {
    columns,
    start,
    x,
    xr,
    y,
    plotW,
    stripTop,
    plotTop,
    plotBottom,
    legendTop,
    height,
    xTicks,
    yTicks,
    placed,
    unlabelled,
    stats,
    color,
    bracketed,
    top: columns.peak(),
  };
}

/** The document's opening, the title and a line of facts. */
function header(out: string[], c: Chart, file: string, options: PlotOptions): void {
  const { columns, start, top } = c;
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${c.height}" viewBox="0 0 ${WIDTH} ${c.height}" ${FONT} font-size="12">`,
  );
  out.push(`<rect width="${WIDTH}" height="${c.height}" fill="#ffffff"/>`);
  const title = options.title ?? columns.cmdlineText?.trim() ?? path.basename(file);
  out.push(`<text x="${MARGIN.left}" y="22" font-size="16" font-weight="bold">${escapeXml(title)}</text>`);
  const facts = [`${path.basename(file)}`, `started ${formatDate(start)}`, `${columns.sampleCount} samples`];
  if (top) facts.push(`peak ${top.mem.toFixed(1)} MiB at ${(top.t - start).toFixed(2)} s`);
  if (columns.callCount) facts.push(`${columns.callCount} profiled call${columns.callCount === 1 ? '' : 's'}`);
  out.push(`<text x="${MARGIN.left}" y="40" fill="#555555">${escapeXml(facts.join(' · '))}</text>`);
}

/** Grid, frame, tick labels and axis titles. */
function axes(out: string[], c: Chart): void {
  const { xr, y, plotTop, plotBottom, plotW, xTicks, yTicks } = c;
  out.push(`<g stroke="#e5e5e5" stroke-width="1">`);
  for (const v of yTicks) out.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${f(y(v))}" y2="${f(y(v))}"/>`);
  for (const v of xTicks) out.push(`<line x1="${f(xr(v))}" x2="${f(xr(v))}" y1="${plotTop}" y2="${plotBottom}"/>`);
  out.push(`</g>`);
  out.push(`<rect x="${MARGIN.left}" y="${plotTop}" width="${plotW}" height="${PLOT_HEIGHT}" fill="none" stroke="#333333"/>`);
  const yDecimals = decimalsOf(yTicks);
  out.push(`<g fill="#333333" text-anchor="end">`);
  for (const v of yTicks) out.push(`<text x="${MARGIN.left - 6}" y="${f(y(v) + 4)}">${v.toFixed(yDecimals)}</text>`);
  out.push(`</g>`);
  const xDecimals = decimalsOf(xTicks);
  out.push(`<g fill="#333333" text-anchor="middle">`);
  for (const v of xTicks) out.push(`<text x="${f(xr(v))}" y="${plotBottom + 17}">${v.toFixed(xDecimals)}</text>`);
  out.push(`</g>`);
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${plotBottom + 38}" text-anchor="middle" fill="#333333">time since start (s)</text>`);
  out.push(
    `<text transform="translate(18 ${plotTop + PLOT_HEIGHT / 2}) rotate(-90)" text-anchor="middle" fill="#333333">memory used (MiB)</text>`,
  );
}

/** Each function's calls as faint bands behind the curve (touching bands merged). */
function callBands(out: string[], c: Chart): void {
  for (const entry of c.stats) {
    for (const [x0, x1] of entry.bands.runs()) {
      out.push(
        `<rect x="${f(x0)}" y="${c.plotTop}" width="${f(x1 - x0)}" height="${PLOT_HEIGHT}" fill="${entry.color}" fill-opacity="0.07"/>`,
      );
    }
  }
}

/** The memory curve, filled below; its points too when there are few. */
function memoryCurve(out: string[], c: Chart): void {
  const { columns, x, y, plotW, plotBottom } = c;
  if (!columns.sampleCount) return;
  const points = columns.curvePoints(x, plotW).map((s) => `${f(x(s.t))},${f(y(s.mem))}`);
  const first = points[0].split(',')[0];
  const last = points[points.length - 1].split(',')[0];
  out.push(`<polygon points="${first},${plotBottom} ${points.join(' ')} ${last},${plotBottom}" fill="${LINE_COLOR}" fill-opacity="0.10"/>`);
  out.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${LINE_COLOR}" stroke-width="1.6" stroke-linejoin="round"/>`);
  if (columns.sampleCount <= 150) {
    out.push(`<g fill="${LINE_COLOR}">`);
    for (const p of points) {
      const [px, py] = p.split(',');
      out.push(`<circle cx="${px}" cy="${py}" r="1.8"/>`);
    }
    out.push(`</g>`);
  }
}

/** The peak, as mprof marks it: dashed red lines through the largest sample. */
function peakMark(out: string[], c: Chart): void {
  const { top, x, y, start, plotTop, plotBottom } = c;
  if (!top) return;
  const [px, py] = [x(top.t), y(top.mem)];
  out.push(
    `<g stroke="#d62728" stroke-width="1" stroke-dasharray="5 4"><line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${f(py)}" y2="${f(py)}"/><line x1="${f(px)}" x2="${f(px)}" y1="${plotTop}" y2="${plotBottom}"/></g>`,
  );
  // At the right end, above the line, where it hides no data point.
  out.push(
    `<text x="${WIDTH - MARGIN.right - 4}" y="${f(Math.max(plotTop + 12, py - 5))}" fill="#d62728" stroke="#ffffff" stroke-width="3" paint-order="stroke" text-anchor="end">peak ${top.mem.toFixed(1)} MiB at ${(top.t - start).toFixed(2)} s</text>`,
  );
}

/** Brackets on the curve: '[' at a call's entry reading, ']' at its exit reading. */
function brackets(out: string[], c: Chart): void {
  const { x, y } = c;
  const arm = 5;
  const half = 7;
  out.push(`<g fill="none" stroke-width="2">`);
  for (const call of c.bracketed) {
    const [x0, y0, x1, y1] = [x(call.t0), y(call.mem0), x(call.t1), y(call.mem1)];
    out.push(
      `<path stroke="${c.color(call.name)}" d="M${f(x0 + arm)} ${f(y0 - half)}H${f(x0)}V${f(y0 + half)}H${f(x0 + arm)}M${f(x1 - arm)} ${f(y1 - half)}H${f(x1)}V${f(y1 + half)}H${f(x1 - arm)}"/>`,
    );
  }
  out.push(`</g>`);
}

/** The labelled spans in the strip above the chart. */
function labelledSpans(out: string[], c: Chart): void {
  const { x } = c;
  for (const { call, lane, textX } of c.placed) {
    const color = c.color(call.name);
    const laneY = c.stripTop + lane * LANE;
    const x0 = x(call.t0);
    const w = Math.max(2, x(call.t1) - x0);
    out.push(
      `<g><title>${escapeXml(`${call.name}: ${call.mem0.toFixed(1)} MiB -> ${call.mem1.toFixed(1)} MiB, ${(call.t1 - call.t0).toFixed(3)} s`)}</title>`,
    );
    out.push(`<rect x="${f(x0)}" y="${laneY + 2}" width="${f(w)}" height="4" fill="${color}"/>`);
    out.push(`<path d="M${f(x0)} ${laneY}V${laneY + 8}M${f(x0 + w)} ${laneY}V${laneY + 8}" stroke="${color}" stroke-width="1.5"/>`);
    out.push(`<text x="${f(textX)}" y="${laneY + 17}" font-size="11" fill="${color}">${escapeXml(callLabel(call))}</text></g>`);
  }
}

/** One row per function, then what was left out. */
function legend(out: string[], c: Chart): void {
  const names = c.columns.names;
  names.forEach((name, i) => {
    const { calls, total } = c.stats[i];
    const ly = c.legendTop + i * 18;
    out.push(`<rect x="${MARGIN.left}" y="${ly - 9}" width="14" height="10" fill="${c.color(name)}"/>`);
    out.push(
      `<text x="${MARGIN.left + 20}" y="${ly}">${escapeXml(`${name}: ${calls} call${calls === 1 ? '' : 's'}, ${total.toFixed(3)} s in all`)}</text>`,
    );
  });
  let note = c.legendTop + names.length * 18;
  if (c.unlabelled) {
    out.push(
      `<text x="${MARGIN.left}" y="${note}" fill="#555555">${c.unlabelled} shorter call${c.unlabelled === 1 ? '' : 's'} drawn without a label</text>`,
    );
    note += 18;
  }
  if (c.bracketed.length < c.columns.callCount) {
    out.push(
      `<text x="${MARGIN.left}" y="${note}" fill="#555555">brackets on the curve for the ${c.bracketed.length} longest calls only (a band for all)</text>`,
    );
  }
}

/** The SVG in a minimal HTML page. */
export function renderHtml(svg: string, title: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeXml(title)}</title>
<style>body { margin: 16px; background: #ffffff; } svg { max-width: 100%; height: auto; }</style>
</head>
<body>
${svg}</body>
</html>
`;
}

export function parseArgs(args: string[]): { file: string | undefined; output: string | undefined; title: string | undefined } {
  let output: string | undefined;
  let title: string | undefined;
  const operands = readArguments(args, (flag) => {
    if (flag.name === '-o' || flag.name === '--output') output = flag.value();
    else if (flag.name === '--title' || flag.name === '-t') title = flag.value();
    else throw new UsageError(`unknown option '${flag.name}'`);
  });
  if (operands.length > 1) throw new UsageError(`one recording at a time, got '${operands[0]}' and '${operands[1]}'`);
  if (output !== undefined && !/\.(svg|html?)$/i.test(output)) throw new UsageError(`-o must name a .svg or .html file, got '${output}'`);
  return { file: operands[0], output, title };
}

export function main(args: string[]): number {
  const { file: arg, output, title } = parseArgs(args);
  return guarded('plot', () => {
    const file = chooseRecording(arg);
    const progress = progressOnTerminal('plot', file);
    let recording: Columns;
    try {
      recording = scanDat(file, new Columns(), progress.update);
    } finally {
      progress.done();
    }
    const svg = renderSvg(recording, file, { title });
    const target = output ?? `${path.basename(file).replace(/\.dat$/i, '')}.svg`;
    const text = /\.html?$/i.test(target) ? renderHtml(svg, title ?? recording.cmdlineText?.trim() ?? path.basename(file)) : svg;
    try {
      fs.writeFileSync(target, text);
    } catch (error) {
      throw new DatError(`cannot write ${target}: ${(error as Error).message}`);
    }
    process.stdout.write(`${target}\n`);
  });
}
