/**
 * One style for the house: every source file as Prettier (pinned in devDependencies, configured in
 * .prettierrc.json) writes it. `npm run format` fixes what this finds. Ignored: what is built or
 * installed, and the sources whose line numbers are the point (examples/, test/fixtures/: see
 * .prettierignore).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = path.join(__dirname, '..', '..');

test('every source file is formatted as Prettier writes it (npm run format)', () => {
  const prettier = require.resolve('prettier/bin/prettier.cjs', { paths: [ROOT] });
  const result = spawnSync(process.execPath, [prettier, '--list-different', '.'], { cwd: ROOT, encoding: 'utf8' });
  const unformatted = result.stdout.trim();
  assert.is(unformatted, '', `not formatted (npm run format):\n${unformatted}\n${result.stderr}`);
  assert.is(result.status, 0, result.stderr);
});

test.run();
