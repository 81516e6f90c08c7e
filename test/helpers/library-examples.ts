/**
 * The `@example` blocks of a library's doc comments, as runnable JavaScript. data-structure-typed
 * generates them from its own test suite (which its npm package does not ship), each ending lines
 * with `console.log(x); // expected`: running them is the nearest thing to running its tests.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

export interface Example {
  /** `file:line` of the `@example` tag. */
  where: string;
  /** The example transpiled to a script body (types removed). */
  js: string;
}

export function libraryExamples(srcDir: string): Example[] {
  const found: Array<{ where: string; source: string }> = [];
  for (const file of tsFiles(srcDir)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
      const lines = comment[0].split('\n').map((l) => l.replace(/^\s*\/?\*+\/? ?/, ''));
      const firstLine = text.slice(0, comment.index).split('\n').length;
      for (let i = 0; i < lines.length; i++) {
        if (!lines[i].startsWith('@example')) continue;
        let end = i + 1;
        while (end < lines.length && !lines[end].startsWith('@')) end++;
        // Some examples are fenced as Markdown code.
        const source = lines
          .slice(i + 1, end)
          .filter((l) => !l.trimStart().startsWith('```'))
          .join('\n');
        found.push({ where: `${path.relative(srcDir, file)}:${firstLine + i}`, source });
        i = end - 1;
      }
    }
  }
  // One transpile for all (one at a time costs seconds): a string statement between examples marks
  // where each begins in the output.
  const marker = (i: number) => `"-- example ${i} --";`;
  const all = found.map((e, i) => `${marker(i)}\n${e.source}\n`).join('');
  const js = ts.transpileModule(all, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None } }).outputText;
  const parts = js.split(/^"-- example \d+ --";$/m).slice(1);
  if (parts.length !== found.length) throw new Error(`examples: ${found.length} found, ${parts.length} transpiled`);
  return found.map((e, i) => ({ where: e.where, js: parts[i] }));
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(full));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out.sort();
}
