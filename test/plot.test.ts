/**
 * `ts-mprof plot`: the SVG (and HTML) chart of a recording, checked for well-formed XML and for
 * what it must show: the memory curve, the peak, each profiled call's bracket and label.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, writeProject } from './helpers/compile';

const { renderSvg, ticks } = require(path.join(ROOT, 'dist/cli/plot')) as typeof import('../dist/cli/plot');
const { parseDat, readDat } = require(path.join(ROOT, 'dist/cli/dat')) as typeof import('../dist/cli/dat');

const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const PYTHON_DAT = path.join(ROOT, 'test', 'fixtures', 'mprof-python.dat');

function tsMprof(dir: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * A small well-formedness check: every tag closed in order, attributes quoted, no raw '<' or bare
 * '&' in text. Returns the element names in document order.
 */
function checkXml(xml: string): string[] {
  const names: string[] = [];
  const open: string[] = [];
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let at = 0;
  while ((match = token.exec(body))) {
    at = token.lastIndex;
    const [, closing, name, , selfClosing, text] = match;
    if (text !== undefined) {
      assert.not.match(text, /&(?!#\d+;|amp;|lt;|gt;|quot;|apos;)/, `bare & in text: ${text}`);
      continue;
    }
    if (closing) {
      assert.is(open.pop(), name, `</${name}> closes the wrong element`);
    } else {
      names.push(name);
      if (!selfClosing) open.push(name);
    }
  }
  assert.is(at, body.length, `not XML from: ${body.slice(at, at + 80)}`);
  assert.equal(open, [], 'unclosed elements');
  return names;
}

test('ticks are round numbers that cover the range', () => {
  assert.equal(ticks(0, 2.4, 8), [0, 0.5, 1, 1.5, 2, 2.5]);
  assert.equal(ticks(41, 210), [0, 50, 100, 150, 200, 250]);
});

test("the chart of memory_profiler's recording: well-formed SVG, the curve, the peak, a bracket and label per call", () => {
  const svg = renderSvg(readDat(PYTHON_DAT), PYTHON_DAT);
  const names = checkXml(svg);
  assert.is(names[0], 'svg');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /);
  // One polyline of 9 samples.
  const polyline = /<polyline points="([^"]+)"/.exec(svg);
  assert.ok(polyline);
  assert.is(polyline![1].split(' ').length, 9);
  // The calls: mprof's "name duration" labels, and a bracket pair each.
  assert.match(svg, '>__main__.make 0.312 s</text>');
  assert.match(svg, '>__main__.drop 0.222 s</text>');
  assert.is((svg.match(/<path stroke="[^"]+" d="M/g) ?? []).length, 2);
  assert.match(svg, '>peak 67.5 MiB at 0.40 s</text>');
  assert.match(svg, '>/usr/bin/python3 ex.py</text>');
});

test('text from the recording is escaped, and --title replaces the command line', () => {
  const recording = parseDat('CMDLINE node a<b>.js & more\nMEM 10.0 100.0\nMEM 12.0 100.5\nFUNC Box<T>.get_x 10.0 100.1 11.0 100.2 0\n');
  const svg = renderSvg(recording, 'x.dat');
  checkXml(svg);
  assert.match(svg, 'node a&#60;b&#62;.js &#38; more');
  assert.match(svg, 'Box&#60;T&#62;.get_x 0.100 s');
  assert.match(renderSvg(recording, 'x.dat', { title: 'My run' }), '>My run</text>');
});

test('many calls: only the longest get labels, the others are counted', () => {
  let text = 'MEM 10.0 100.0\nMEM 20.0 110.0\n';
  for (let i = 0; i < 200; i++) text += `FUNC Work.step ${10 + i * 0.05} ${100 + i * 0.05} ${10 + i * 0.05} ${100 + i * 0.05 + 0.01} 0\n`;
  text += 'FUNC Work.all 10.0 100.0 20.0 110.0 0\n';
  const svg = renderSvg(parseDat(text), 'x.dat');
  checkXml(svg);
  const labels = svg.match(/>Work\.step 0\.010 s<\/text>/g) ?? [];
  const unlabelled = Number(/>(\d+) shorter calls drawn without a label/.exec(svg)?.[1]);
  assert.is(labels.length + 1 + unlabelled, 201);
  assert.ok(labels.length > 0 && labels.length <= 23, `${labels.length} labels`);
  // The longest call is among the labelled ones.
  assert.match(svg, '>Work.all 10.000 s</text>');
  assert.match(svg, '>Work.step: 200 calls, 2.000 s in all</text>');
});

test('ts-mprof plot writes FILE.svg for the newest recording, or the -o file (.html embeds the SVG)', () => {
  const dat = fs.readFileSync(PYTHON_DAT, 'utf8');
  const dir = writeProject({ 'mprofile_20200101000000.dat': 'MEM 1.0 1.0\n', 'mprofile_20240101000000.dat': dat });
  let r = tsMprof(dir, 'plot');
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'mprofile_20240101000000.svg\n');
  assert.match(fs.readFileSync(path.join(dir, 'mprofile_20240101000000.svg'), 'utf8'), '__main__.make 0.312 s');
  r = tsMprof(dir, 'plot', 'mprofile_20240101000000.dat', '-o', 'chart.html', '--title', 'Python');
  assert.is(r.code, 0, r.stderr);
  const html = fs.readFileSync(path.join(dir, 'chart.html'), 'utf8');
  assert.match(
    html,
    /^<!DOCTYPE html>[\s\S]*<title>Python<\/title>[\s\S]*<svg [\s\S]*__main__\.drop 0\.222 s[\s\S]*<\/svg>\n<\/body>\n<\/html>\n$/,
  );
  // A number picks a recording as in `ts-mprof list`: 0 is the oldest.
  r = tsMprof(dir, 'plot', '0', '-o', 'old.svg');
  assert.is(r.code, 0, r.stderr);
  assert.not.match(fs.readFileSync(path.join(dir, 'old.svg'), 'utf8'), '__main__');
});

test('ts-mprof plot: a missing file or an empty directory is one line and exit 2; bad options print the usage', () => {
  const dir = writeProject({ 'notes.txt': '' });
  let r = tsMprof(dir, 'plot', 'nope.dat');
  assert.equal([r.code, r.stderr], [2, 'ts-mprof plot: nope.dat: no such file\n']);
  r = tsMprof(dir, 'plot');
  assert.is(r.code, 2);
  assert.match(r.stderr, /^ts-mprof plot: no recordings \(mprofile_\*\.dat\) in this directory[^\n]*\n$/);
  r = tsMprof(dir, 'plot', 'notes.txt');
  assert.equal([r.code, r.stderr], [2, 'ts-mprof plot: notes.txt: nothing to plot (no MEM or FUNC lines)\n']);
  for (const args of [['--bogus'], ['a.dat', '-o', 'chart.png'], ['a.dat', 'b.dat'], ['-o']]) {
    r = tsMprof(dir, 'plot', ...args);
    assert.is(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^ts-mprof plot: .*\n\nusage: ts-mprof plot/);
  }
});

test.run();
