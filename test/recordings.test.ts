/**
 * `ts-mprof list`, `peak` and `clean` on the recordings (mprofile_*.dat) of a directory.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, writeProject } from './helpers/compile';

const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const PYTHON_DAT = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'mprof-python.dat'), 'utf8');
const OURS = 'CMDLINE node app.js\nMEM 30.000000 1700000000.0000\nMEM 42.500000 1700000000.2500\nMEM 40.000000 1700000000.5000\n';

function tsMprof(dir: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function recordings() {
  return writeProject({
    'mprofile_20240102030405.dat': PYTHON_DAT,
    'mprofile_20250607080910.dat': OURS,
    'other.dat': OURS,
    'notes.txt': '',
  });
}

test('list: the recordings, oldest first, numbered, with their date and command', () => {
  const r = tsMprof(recordings(), 'list');
  assert.is(r.code, 0, r.stderr);
  assert.is(
    r.stdout,
    '  0  mprofile_20240102030405.dat  2024-01-02 03:04:05  /usr/bin/python3 ex.py\n  1  mprofile_20250607080910.dat  2025-06-07 08:09:10  node app.js\n',
  );
});

test('peak: the largest sample of the newest recording, when it came, or of the one named or numbered', () => {
  const dir = recordings();
  let r = tsMprof(dir, 'peak');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^mprofile_20250607080910\.dat\t42\.500 MiB at 0\.25 s \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\)\n$/);
  r = tsMprof(dir, 'peak', '0');
  assert.match(r.stdout, /^mprofile_20240102030405\.dat\t67\.535 MiB at 0\.40 s /);
  r = tsMprof(dir, 'peak', 'other.dat');
  assert.match(r.stdout, /^other\.dat\t42\.500 MiB at 0\.25 s /);
});

test('clean: removes the recordings and nothing else', () => {
  const dir = recordings();
  const r = tsMprof(dir, 'clean');
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'removed mprofile_20240102030405.dat\nremoved mprofile_20250607080910.dat\n');
  assert.equal(fs.readdirSync(dir).sort(), ['notes.txt', 'other.dat']);
  assert.is(tsMprof(dir, 'list').stdout, 'no recordings (mprofile_*.dat) in this directory\n');
});

test('peak: a missing file, a bad number or no recordings is one line and exit 2', () => {
  const dir = recordings();
  for (const [args, message] of [
    [['missing.dat'], 'ts-mprof peak: missing.dat: no such file\n'],
    [['7'], 'ts-mprof peak: no recording number 7: there are 2 (ts-mprof list)\n'],
    [['notes.txt'], 'ts-mprof peak: notes.txt: no memory samples (MEM lines) in it\n'],
  ] as const) {
    const r = tsMprof(dir, 'peak', ...args);
    assert.equal([r.code, r.stderr, r.stdout], [2, message, ''], args.join(' '));
  }
  const empty = writeProject({ 'notes.txt': '' });
  const r = tsMprof(empty, 'peak');
  assert.is(r.code, 2);
  assert.match(
    r.stderr,
    /^ts-mprof peak: no recordings \(mprofile_\*\.dat\) in this directory: make one with ts-mprof run --timeline -- COMMAND\n$/,
  );
});

test('list, peak, clean: bad arguments print the usage and exit 2', () => {
  const dir = recordings();
  for (const args of [
    ['list', 'x'],
    ['clean', '--all'],
    ['peak', 'a.dat', 'b.dat'],
    ['peak', '--func'],
  ]) {
    const r = tsMprof(dir, ...args);
    assert.is(r.code, 2, args.join(' '));
    assert.match(r.stderr, new RegExp(`^ts-mprof ${args[0]}: .*\\n\\nusage: ts-mprof ${args[0]}`));
  }
  // Nothing was removed by the refused clean.
  assert.is(fs.readdirSync(dir).length, 4);
});

test.run();
