/**
 * `ts-mprof plot [FILE] [-o out.svg|out.html] [--title T]`: memory over time (MiB against seconds
 * since the start) as a self-contained SVG, drawn here without a chart library. Each profiled call
 * (FUNC record) is a bracket pair on the curve, as in mprof, plus a labelled span ("name 0.123 s")
 * in a strip above the chart. The newest recording in the directory by default.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DatError, peakOf, readDat, startOf, type FuncCall, type Recording } from './dat';
import { chooseRecording, formatDate, guarded } from './recordings';
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

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
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
function placeLabels(calls: FuncCall[], x: (t: number) => number, right: number): { placed: Placed[]; unlabelled: number; lanes: number } {
  const longest = [...calls].sort((a, b) => b.t1 - b.t0 - (a.t1 - a.t0)).slice(0, MAX_LABELS);
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
  return { placed, unlabelled: calls.length - placed.length, lanes: ends.length };
}

/** The chart as a standalone SVG document. */
export function renderSvg(recording: Recording, file: string, options: PlotOptions = {}): string {
  const start = startOf(recording);
  if (start === undefined) throw new DatError(`${file}: nothing to plot (no MEM or FUNC lines)`);
  const { samples, funcs } = recording;
  const times = [...samples.map((s) => s.t), ...funcs.flatMap((f) => [f.t0, f.t1])].map((t) => t - start);
  const mems = [...samples.map((s) => s.mem), ...funcs.flatMap((f) => [f.mem0, f.mem1])];
  let [memLo, memHi] = [Math.min(...mems), Math.max(...mems)];
  if (memHi - memLo < 1) [memLo, memHi] = [memLo - 0.5, memHi + 0.5];
  const pad = (memHi - memLo) * 0.06;
  const yTicks = ticks(Math.max(0, memLo - pad), memHi + pad);
  const [yLo, yHi] = [yTicks[0], yTicks[yTicks.length - 1]];
  const xTicks = ticks(0, Math.max(...times) || 1, 8);
  const xHi = xTicks[xTicks.length - 1];

  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const x = (t: number) => MARGIN.left + ((t - start) / xHi) * plotW;
  const xr = (t: number) => MARGIN.left + (t / xHi) * plotW;

  const { placed, unlabelled, lanes } = placeLabels(funcs, x, WIDTH - 4);
  const names = [...new Set(funcs.map((f) => f.name))];
  const color = (name: string) => COLORS[names.indexOf(name) % COLORS.length];
  const stripTop = MARGIN.top;
  const plotTop = stripTop + (lanes ? lanes * LANE + 10 : 0);
  const plotBottom = plotTop + PLOT_HEIGHT;
  const y = (mem: number) => plotBottom - ((mem - yLo) / (yHi - yLo)) * PLOT_HEIGHT;
  const legendTop = plotBottom + MARGIN.bottom;
  const legendRows = names.length + (unlabelled ? 1 : 0);
  const height = legendTop + legendRows * 18 + 12;
  const f = (v: number) => v.toFixed(1);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ${FONT} font-size="12">`);
  out.push(`<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`);

  const title = options.title ?? recording.cmdline?.trim() ?? path.basename(file);
  out.push(`<text x="${MARGIN.left}" y="22" font-size="16" font-weight="bold">${escapeXml(title)}</text>`);
  const top = peakOf(recording);
  const facts = [`${path.basename(file)}`, `started ${formatDate(start)}`, `${samples.length} samples`];
  if (top) facts.push(`peak ${top.mem.toFixed(1)} MiB at ${(top.t - start).toFixed(2)} s`);
  if (funcs.length) facts.push(`${funcs.length} profiled call${funcs.length === 1 ? '' : 's'}`);
  out.push(`<text x="${MARGIN.left}" y="40" fill="#555555">${escapeXml(facts.join(' · '))}</text>`);

  // Grid and axes.
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
  out.push(`<text transform="translate(18 ${plotTop + PLOT_HEIGHT / 2}) rotate(-90)" text-anchor="middle" fill="#333333">memory used (MiB)</text>`);

  // Each call's time as a faint band behind the curve.
  for (const call of funcs) {
    const x0 = x(call.t0);
    out.push(`<rect x="${f(x0)}" y="${plotTop}" width="${f(Math.max(1, x(call.t1) - x0))}" height="${PLOT_HEIGHT}" fill="${color(call.name)}" fill-opacity="0.07"/>`);
  }

  // The memory curve, filled below.
  if (samples.length) {
    const points = [...samples].sort((a, b) => a.t - b.t).map((s) => `${f(x(s.t))},${f(y(s.mem))}`);
    const first = points[0].split(',')[0];
    const last = points[points.length - 1].split(',')[0];
    out.push(`<polygon points="${first},${plotBottom} ${points.join(' ')} ${last},${plotBottom}" fill="${LINE_COLOR}" fill-opacity="0.10"/>`);
    out.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${LINE_COLOR}" stroke-width="1.6" stroke-linejoin="round"/>`);
    if (samples.length <= 150) {
      out.push(`<g fill="${LINE_COLOR}">`);
      for (const p of points) {
        const [px, py] = p.split(',');
        out.push(`<circle cx="${px}" cy="${py}" r="1.8"/>`);
      }
      out.push(`</g>`);
    }
  }

  // The peak, as mprof marks it: dashed red lines through the largest sample.
  if (top) {
    const [px, py] = [x(top.t), y(top.mem)];
    out.push(`<g stroke="#d62728" stroke-width="1" stroke-dasharray="5 4"><line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${f(py)}" y2="${f(py)}"/><line x1="${f(px)}" x2="${f(px)}" y1="${plotTop}" y2="${plotBottom}"/></g>`);
    // At the right end, above the line, where it hides no data point.
    out.push(`<text x="${WIDTH - MARGIN.right - 4}" y="${f(Math.max(plotTop + 12, py - 5))}" fill="#d62728" stroke="#ffffff" stroke-width="3" paint-order="stroke" text-anchor="end">peak ${top.mem.toFixed(1)} MiB at ${(top.t - start).toFixed(2)} s</text>`);
  }

  // Brackets: '[' at the entry reading, ']' at the exit reading.
  const arm = 5;
  const half = 7;
  out.push(`<g fill="none" stroke-width="2">`);
  for (const call of funcs) {
    const c = color(call.name);
    const [x0, y0, x1, y1] = [x(call.t0), y(call.mem0), x(call.t1), y(call.mem1)];
    out.push(`<path stroke="${c}" d="M${f(x0 + arm)} ${f(y0 - half)}H${f(x0)}V${f(y0 + half)}H${f(x0 + arm)}M${f(x1 - arm)} ${f(y1 - half)}H${f(x1)}V${f(y1 + half)}H${f(x1 - arm)}"/>`);
  }
  out.push(`</g>`);

  // The labelled spans above the chart.
  for (const { call, lane, textX } of placed) {
    const c = color(call.name);
    const laneY = stripTop + lane * LANE;
    const x0 = x(call.t0);
    const w = Math.max(2, x(call.t1) - x0);
    out.push(`<g><title>${escapeXml(`${call.name}: ${call.mem0.toFixed(1)} MiB -> ${call.mem1.toFixed(1)} MiB, ${(call.t1 - call.t0).toFixed(3)} s`)}</title>`);
    out.push(`<rect x="${f(x0)}" y="${laneY + 2}" width="${f(w)}" height="4" fill="${c}"/>`);
    out.push(`<path d="M${f(x0)} ${laneY}V${laneY + 8}M${f(x0 + w)} ${laneY}V${laneY + 8}" stroke="${c}" stroke-width="1.5"/>`);
    out.push(`<text x="${f(textX)}" y="${laneY + 17}" font-size="11" fill="${c}">${escapeXml(callLabel(call))}</text></g>`);
  }

  // Legend: one row per function.
  names.forEach((name, i) => {
    const calls = funcs.filter((c) => c.name === name);
    const total = calls.reduce((s, c) => s + c.t1 - c.t0, 0);
    const ly = legendTop + i * 18;
    out.push(`<rect x="${MARGIN.left}" y="${ly - 9}" width="14" height="10" fill="${color(name)}"/>`);
    out.push(`<text x="${MARGIN.left + 20}" y="${ly}">${escapeXml(`${name}: ${calls.length} call${calls.length === 1 ? '' : 's'}, ${total.toFixed(3)} s in all`)}</text>`);
  });
  if (unlabelled) {
    out.push(`<text x="${MARGIN.left}" y="${legendTop + names.length * 18}" fill="#555555">${unlabelled} shorter call${unlabelled === 1 ? '' : 's'} drawn without a label</text>`);
  }
  out.push(`</svg>`);
  return out.join('\n') + '\n';
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
  let file: string | undefined;
  let output: string | undefined;
  let title: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '-o' || arg === '--output') output = value();
    else if (arg.startsWith('--output=')) output = arg.slice(9);
    else if (arg === '--title' || arg === '-t') title = value();
    else if (arg.startsWith('--title=')) title = arg.slice(8);
    else if (arg.startsWith('-') && !/^-\d+$/.test(arg)) throw new UsageError(`unknown option '${arg}'`);
    else if (file !== undefined) throw new UsageError(`one recording at a time, got '${file}' and '${arg}'`);
    else file = arg;
  }
  if (output !== undefined && !/\.(svg|html?)$/i.test(output)) throw new UsageError(`-o must name a .svg or .html file, got '${output}'`);
  return { file, output, title };
}

export function main(args: string[]): number {
  const { file: arg, output, title } = parseArgs(args);
  return guarded('plot', () => {
    const file = chooseRecording(arg);
    const recording = readDat(file);
    const svg = renderSvg(recording, file, { title });
    const target = output ?? `${path.basename(file).replace(/\.dat$/i, '')}.svg`;
    const text = /\.html?$/i.test(target) ? renderHtml(svg, title ?? recording.cmdline?.trim() ?? path.basename(file)) : svg;
    try {
      fs.writeFileSync(target, text);
    } catch (error) {
      throw new DatError(`cannot write ${target}: ${(error as Error).message}`);
    }
    process.stdout.write(`${target}\n`);
  });
}
