/**
 * Where a profiled file's `.ts` source is, worked out when the emitted module loads. The build does
 * not write the absolute path of the build machine into the JavaScript (two checkouts would build
 * differently, and a build copied elsewhere would report the build machine's path): it writes the
 * source's path and the emitted file's path, both relative to the project's directory (the
 * tsconfig.json's), and the module's own location (`__filename`, `import.meta.url`) puts the project
 * directory back where the build now is.
 */
import * as path from 'path';
import { fileURLToPath } from 'url';

/**
 * @param module the emitted module's `__filename` or `import.meta.url` (undefined where it has none)
 * @param source the `.ts` source, relative to the project's directory, with `/` separators
 * @param output the emitted JavaScript, relative to the project's directory, when the build knew it
 * @returns the source's absolute path when it can be found from the module's; else `source` as written
 */
export function sourceFile(module: unknown, source: string, output?: string): string {
  try {
    if (typeof module !== 'string' || module === '') return source;
    const file = module.startsWith('file:') ? fileURLToPath(module) : module;
    if (!path.isAbsolute(file)) return source;
    const slashed = file.split(path.sep).join('/');
    // Compiled in memory (ts-node, ts-jest, the loader, Vite's dev server): the module is the source.
    if (/\.[cm]?tsx?$/.test(slashed) && path.posix.basename(slashed) === path.posix.basename(source)) return file;
    // Built to a file (tspc): the module is the output, and the project directory is what precedes it.
    // A bundle is neither, and keeps the path relative to the project directory.
    if (output !== undefined && slashed.endsWith(`/${output}`)) return path.join(file.slice(0, file.length - output.length), source);
  } catch {
    // A path that cannot be worked out is shown as written.
  }
  return source;
}
