/**
 * The HTML report (issue 11, item 3): `ts-mprof run --html` and `ts-mprof html`, loaded in headless
 * Chromium (Debian's `chromium` package), whose rendered DOM (after the page's script ran) is
 * checked: a row per source line, bars, the costliest lines marked, links to the called method's
 * table, sorting, the timeline chart, and nothing fetched from the network.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { ROOT, writeProject } from './helpers/compile';

const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));

const APP = `import { profile } from 'ts-memory-profiler';

class Store {
  rows: number[][] = [];

  @profile
  load(n: number): number {
    const row = new Array(n).fill(1);
    this.rows.push(row);
    this.index(row);
    return this.rows.length;
  }

  @profile
  index(row: number[]): number {
    const copy = row.slice();
    let s = 0;
    for (let i = 0; i < 5; i++) s += copy[i];
    return s;
  }
}

const s = new Store();
for (let i = 1; i <= 3; i++) s.load(100000 * i);
`;

/** The DOM of a page after its scripts ran, from a fresh headless Chromium that may not use the network. */
function renderedDom(file: string, hash = ''): string {
  const profile = fs.mkdtempSync(path.join(path.dirname(file), 'chromium-'));
  const r = spawnSync(
    CHROMIUM!,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${profile}`,
      '--dump-dom',
      pathToFileURL(file).href + hash,
    ],
    { encoding: 'utf8', timeout: 60000 },
  );
  fs.rmSync(profile, { recursive: true, force: true });
  assert.is(r.status, 0, r.stderr);
  return r.stdout;
}

/** The rows of a method's table as [line number, has a bar, hot, callee link], in page order. */
function rows(dom: string, method: string): Array<{ line: number; bars: number; hot: boolean; links: string[] }> {
  const table = new RegExp(`<table class="lines" data-method="${method.replace('.', '\\.')}"[^>]*>([\\s\\S]*?)</table>`).exec(dom);
  assert.ok(table, `a table for ${method}`);
  return [...table![1].matchAll(/<tr data-order="\d+" class="([^"]*)">([\s\S]*?)<\/tr>/g)].map(([, cls, row]) => ({
    line: Number(/<td class="num" data-value="(\d+)">/.exec(row)![1]),
    bars: (row.match(/class="bar /g) ?? []).length,
    hot: cls.split(' ').includes('hot'),
    links: [...row.matchAll(/<a class="callee" href="(#m\d+)"/g)].map((m) => m[1]),
  }));
}

test('ts-mprof run --html: in Chromium, a row per line with bars, the costliest lines marked, a link to the called method, sorting', () => {
  if (!CHROMIUM) {
    console.log('  (chromium not installed: apt-get install chromium; skipped)');
    return;
  }
  const dir = writeProject({ 'tsconfig.json': '{"compilerOptions":{"target":"ES2022"}}', 'app.ts': APP });
  const r = spawnSync(process.execPath, [CLI, 'run', '--html', 'report.html', 'app.ts'], { cwd: dir, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, 'ts-mprof run: 6 reports in report.html\n');
  const file = path.join(dir, 'report.html');
  const html = fs.readFileSync(file, 'utf8');
  // Self-contained: nothing to fetch (the SVG namespace is a name, not a request).
  assert.not.match(html, /(src|href)="https?:/);
  assert.match(html, `content="default-src 'none';`);

  const dom = renderedDom(file);
  assert.match(dom, /<html lang="en" data-ready="1">/, 'the script ran');
  // Store.index is the first method to finish (its call ends inside load's), so m1.
  const load = rows(dom, 'Store.load');
  assert.equal(
    load.map((row) => row.line),
    [6, 7, 8, 9, 10, 11, 12],
  );
  const index = rows(dom, 'Store.index');
  assert.equal(
    index.map((row) => row.line),
    [14, 15, 16, 17, 18, 19, 20],
  );
  // The line calling this.index(row) links to Store.index's table, and only that line.
  assert.equal(
    load.filter((row) => row.links.length).map((row) => [row.line, row.links]),
    [[10, ['#m1']]],
  );
  assert.match(dom, /<section class="method" id="m1">\s*<h2>Store\.index /);
  // Lines that ran have bars (Increment and Occurrences); the signature and closing brace none.
  assert.ok(load.find((row) => row.line === 8)!.bars >= 2);
  assert.is(load.find((row) => row.line === 7)!.bars, 0);
  // The array line (300,000 + 200,000 + 100,000 numbers kept) is among the costliest of load.
  assert.ok(load.find((row) => row.line === 8)!.hot);
  assert.ok(index.find((row) => row.line === 16)!.hot, 'the copy of the row');

  // Sorted by Increment, largest first, in the browser (#sort=-increment, as a click on the header does).
  const sorted = renderedDom(file, '#sort=-increment');
  assert.match(sorted, /<table class="lines" data-method="Store\.load" data-sorted="-increment">/);
  const byIncrement = rows(sorted, 'Store.load');
  assert.is.not(byIncrement.map((row) => row.line).join(), load.map((row) => row.line).join());
  const values = [
    .../<table class="lines" data-method="Store\.load"[\s\S]*?<\/table>/
      .exec(sorted)![0]
      .matchAll(/<td class="num fig" data-value="(-?\d*)"[^>]*>/g),
  ];
  // Two figure cells a row (Increment, Occurrences); the @profile row's Increment cell also has a
  // title, so the pattern takes any attributes after data-value (or every cell after it shifts by one).
  const increments = values
    .filter((_, i) => i % 2 === 0)
    .map((m) => m[1])
    .filter((v) => v !== '')
    .map(Number);
  assert.equal(
    increments,
    [...increments].sort((a, b) => b - a),
    'largest first',
  );
  assert.match(sorted, /<th data-column="increment" data-type="number" title="sort by Increment" class="sorted-desc">/);
});

test('ts-mprof html reports.jsonl --timeline rec.dat: the tables and the memory-over-time chart; bad input is one line', () => {
  const dir = writeProject({
    'tsconfig.json': '{"compilerOptions":{"target":"ES2022"}}',
    'app.ts': APP,
    'rec.dat': 'CMDLINE node app\nMEM 10.0 100.0\nMEM 30.0 100.5\nFUNC Store.load 10.0 100.1 30.0 100.4 0\n',
  });
  let r = spawnSync(process.execPath, [CLI, 'run', '--format', 'json', '-o', 'reports.jsonl', 'app.ts'], { cwd: dir, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  r = spawnSync(process.execPath, [CLI, 'html', '--timeline', 'rec.dat', '-o', 'out.html', '--', 'reports.jsonl'], {
    cwd: dir,
    encoding: 'utf8',
  });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'out.html\n');
  const html = fs.readFileSync(path.join(dir, 'out.html'), 'utf8');
  assert.match(html, /<div class="chart">\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*>Store\.load 0\.300 s<\/text>/);
  assert.is((html.match(/<section class="method"/g) ?? []).length, 2);
  assert.match(html, /<td><a href="#m2">Store\.load<\/a><\/td><td>app\.ts<\/td><td class="num">3<\/td>/);
  if (CHROMIUM) assert.match(renderedDom(path.join(dir, 'out.html')), /<div class="chart">\s*<svg /);
  for (const [args, message] of [
    [['missing.jsonl', '-o', 'x.html'], 'ts-mprof html: missing.jsonl: no such file\n'],
    [['rec.dat', '-o', 'x.html'], 'ts-mprof html: rec.dat: no JSON reports in it (write them with --format json)\n'],
  ] as const) {
    r = spawnSync(process.execPath, [CLI, 'html', ...args], { cwd: dir, encoding: 'utf8' });
    assert.equal([r.status, r.stderr], [2, message]);
  }
  r = spawnSync(process.execPath, [CLI, 'html', 'reports.jsonl'], { cwd: dir, encoding: 'utf8' });
  assert.is(r.status, 2);
  assert.match(r.stderr, /^ts-mprof html: html needs -o report\.html\n\nusage: ts-mprof html/);
});

test.run();
