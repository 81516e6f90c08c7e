/**
 * Memory sizes as users write them in tests: a number of bytes, or a string with a unit. KB, MB and
 * GB are powers of 1000; KiB, MiB and GiB powers of 1024 (the unit of the line-by-line tables).
 */
import { describeValue } from '../runtime/option-rules';

const UNITS: Partial<Record<string, number>> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30 };
const SIZE = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]+)\s*$/i;

/** Bytes, or a TypeError naming `option` and what it accepts. */
export function parseBytes(value: unknown, option = 'size', where = 'parseBytes'): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const match = SIZE.exec(value);
    const key = match?.[2].toLowerCase();
    const unit = key !== undefined && Object.prototype.hasOwnProperty.call(UNITS, key) ? UNITS[key] : undefined;
    if (match && unit !== undefined) return Number(match[1]) * unit;
  }
  throw new TypeError(
    `ts-memory-profiler: ${where}: option '${option}' must be a number of bytes (>= 0) or a size such as '10 MB' ` +
      `(units B, KB, MB, GB = 1000^n, KiB, MiB, GiB = 1024^n), got ${describeValue(value)}`,
  );
}

/** `47.7 MiB (50,000,048 bytes)`: the tables' unit, and the figure to compare with the limit. */
export function describeBytes(bytes: number): string {
  const rounded = Math.round(bytes);
  return `${(bytes / 2 ** 20).toFixed(1)} MiB (${rounded.toLocaleString('en-US')} bytes)`;
}
