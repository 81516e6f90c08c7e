#!/usr/bin/env node
// `npm run demo`: builds the examples with tspc (the plugin is in examples/tsconfig.json) and runs them.
const { execFileSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..');
const tspc = path.join(root, 'node_modules', '.bin', 'tspc');
const run = (file, ...args) => {
  console.log(`$ node examples/out/${file} ${args.join(' ')}`.trimEnd());
  execFileSync(process.execPath, [path.join(__dirname, 'out', file), ...args], { stdio: 'inherit', cwd: root });
};

console.log('$ tspc -p examples');
execFileSync(tspc, ['-p', path.join(__dirname, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
run('basic.js');
run('basic.js', 'exact');
run('generators.js', '10000');
run('generators.js', '100000');
run('generators.js', '100000', '--peak');
run('generators.js', '100000', '--gc');
run('stream.js', '200000');
