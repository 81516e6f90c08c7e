/**
 * Puts `@profile` on every method and accessor of a copy of a library's TypeScript sources, as a user
 * who wants to see everything would, within what each decorator mode accepts. Text is inserted on
 * the member's own line (and the import on line 1), so line numbers stay those of the original.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

export interface Member {
  file: string;
  /** `Class.method`, `Class.get x`, `Class.#m`, as the profiler names it. */
  name: string;
  line: number;
}

export interface Skipped extends Member {
  why: string;
}

export interface Decorated {
  files: number;
  decorated: Member[];
  skipped: Skipped[];
}

const IMPORT = "import { profile } from 'ts-memory-profiler'; ";

/**
 * Copies every .ts file under `from` into `to`, decorating what can be decorated. `legacy` follows
 * experimentalDecorators' rules: no #private members or class-expression members (TS1206), one half
 * of a get/set pair only (TS1207).
 */
export function decorateAll(from: string, to: string, legacy: boolean): Decorated {
  const result: Decorated = { files: 0, decorated: [], skipped: [] };
  for (const file of tsFiles(from)) {
    const rel = path.relative(from, file);
    const text = fs.readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    if (/\bprofile\b/.test(text)) throw new Error(`${rel} already names 'profile': the inserted import would clash`);
    const inserts: number[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isClassLike(node)) classMembers(node, source, legacy, rel, result, inserts);
      ts.forEachChild(node, visit);
    };
    visit(source);
    let out = text;
    for (const at of inserts.sort((a, b) => b - a)) out = out.slice(0, at) + '@profile ' + out.slice(at);
    if (inserts.length) {
      out = IMPORT + out;
      result.files++;
    }
    fs.mkdirSync(path.dirname(path.join(to, rel)), { recursive: true });
    fs.writeFileSync(path.join(to, rel), out);
  }
  return result;
}

function classMembers(
  node: ts.ClassLikeDeclaration,
  source: ts.SourceFile,
  legacy: boolean,
  file: string,
  result: Decorated,
  inserts: number[],
): void {
  const className = node.name?.text ?? '<anonymous>';
  const pairsTaken = new Set<string>();
  for (const member of node.members) {
    if (!ts.isMethodDeclaration(member) && !ts.isGetAccessorDeclaration(member) && !ts.isSetAccessorDeclaration(member)) continue;
    const key = member.name.getText(source);
    const isStatic = !!ts.getModifiers(member)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
    const kind = ts.isGetAccessorDeclaration(member) ? 'get ' : ts.isSetAccessorDeclaration(member) ? 'set ' : '';
    const entry: Member = {
      file,
      name: `${className}.${kind}${key}`,
      line: source.getLineAndCharacterOfPosition(member.getStart(source)).line + 1,
    };
    const skip = (why: string) => result.skipped.push({ ...entry, why });
    // Overload signatures and abstract methods have no body: nothing to profile (TS1249, TS990002).
    if (!member.body) {
      skip('no body (overload signature or abstract)');
      continue;
    }
    if (legacy && ts.isPrivateIdentifier(member.name)) {
      skip('#private: experimentalDecorators refuses it (TS1206)');
      continue;
    }
    if (legacy && ts.isClassExpression(node)) {
      skip('class expression member: experimentalDecorators refuses it (TS1206)');
      continue;
    }
    if (legacy && kind) {
      // One decorator profiles both halves of the pair; a second one is TS1207.
      const pair = `${isStatic ? 'static ' : ''}${key}`;
      if (pairsTaken.has(pair)) {
        skip('second half of a get/set pair: experimentalDecorators decorates the pair once (TS1207)');
        continue;
      }
      pairsTaken.add(pair);
    }
    inserts.push(member.getStart(source));
    result.decorated.push(entry);
  }
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out.sort();
}
