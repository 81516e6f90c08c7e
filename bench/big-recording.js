#!/usr/bin/env node
/**
 * Writes a large mprof recording for measuring `ts-mprof plot`, `peak` and `list` at scale (BENCHMARKS.md):
 *   node bench/big-recording.js FILE [samples=1e6] [calls=1e6]
 * The samples are 1 ms apart and the calls 1 ms long each, nested two deep every tenth call.
 */
const fs = require('fs');
const [file, samplesArg = '1e6', callsArg = '1e6'] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/big-recording.js FILE [samples] [calls]');
const samples = Number(samplesArg);
const calls = Number(callsArg);
const fd = fs.openSync(file, 'w');
const start = 1700000000;
let chunk = 'CMDLINE node big.js\n';
const flush = (force) => {
  if (chunk.length > 1 << 20 || force) {
    fs.writeSync(fd, chunk);
    chunk = '';
  }
};
for (let i = 0; i < samples; i++) {
  const mem = 50 + 40 * Math.sin(i / 5000) + (i % 97) / 10;
  chunk += `MEM ${mem.toFixed(6)} ${(start + i / 1000).toFixed(4)}\n`;
  flush(false);
}
for (let i = 0; i < calls; i++) {
  const t0 = start + (i * samples) / calls / 1000;
  chunk += `FUNC Work.step${i % 10 === 0 ? 'Outer' : ''} ${(50 + (i % 40)).toFixed(4)} ${t0.toFixed(4)} ${(51 + (i % 40)).toFixed(4)} ${(t0 + 0.0009).toFixed(4)} ${i % 10 === 0 ? 0 : 1}\n`;
  flush(false);
}
flush(true);
fs.closeSync(fd);
