import typescript from '@rollup/plugin-typescript';
import { before } from 'ts-memory-profiler/transformer';

export default {
  input: 'src/app.ts',
  output: { dir: 'out', format: 'cjs' },
  external: ['ts-memory-profiler'],
  plugins: [typescript({ transformers: { before: [before()] } })],
};
