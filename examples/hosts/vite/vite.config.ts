import { defineConfig } from 'vite';
import { memoryProfiler } from 'ts-memory-profiler/vite';

// A Node program built with Vite (`vite build`, SSR entry): the profiler's readings need Node.
export default defineConfig({
  plugins: [memoryProfiler()],
  build: { ssr: 'src/app.ts', outDir: 'out', target: 'node20', minify: false },
});
