/**
 * The line table of one instrumented method: its name, where it is, and its source lines, emitted as
 * an object literal that the runtime reads (see runtime/types.ts, LineTable).
 */
import type * as ts from 'typescript';
import type { LineTable } from '../runtime/types';
import { hasStatic, isAsync, type Member, type Target, type Wrapped } from './targets';

export function lineOf(file: ts.SourceFile, position: number): number {
  return file.getLineAndCharacterOfPosition(position).line + 1;
}

function className(tsi: typeof ts, cls: ts.ClassLikeDeclaration): string {
  if (cls.name) return cls.name.text;
  if (tsi.isClassDeclaration(cls) && cls.modifiers?.some((m) => m.kind === tsi.SyntaxKind.DefaultKeyword)) return 'default';
  // `const Foo = class { ... }` and `{ Foo: class { ... } }` take the name they are assigned to.
  let parent = cls.parent;
  while (tsi.isParenthesizedExpression(parent) || tsi.isAsExpression(parent) || tsi.isSatisfiesExpression(parent)) parent = parent.parent;
  if ((tsi.isVariableDeclaration(parent) || tsi.isPropertyAssignment(parent)) && tsi.isIdentifier(parent.name)) return parent.name.text;
  return '<anonymous>';
}

function memberName(tsi: typeof ts, file: ts.SourceFile, name: ts.PropertyName): { label: string; key?: string } {
  if (tsi.isIdentifier(name) || tsi.isStringLiteral(name) || tsi.isNumericLiteral(name)) return { label: name.text, key: name.text };
  if (tsi.isPrivateIdentifier(name)) return { label: name.text };
  return { label: name.getText(file) };
}

function sourceLines(file: ts.SourceFile, first: number, last: number): string[] {
  const starts = file.getLineStarts();
  const lines: string[] = [];
  for (let line = first; line <= last; line++) {
    const end = line < starts.length ? starts[line] : file.text.length;
    lines.push(
      file.text
        .slice(starts[line - 1], end)
        .replace(/\r?\n$/, '')
        .replace(/\r$/, ''),
    );
  }
  return lines;
}

/** `const work = profile(function () {...})` is named `work`; a named function expression by its name. */
function wrappedName(tsi: typeof ts, fn: Wrapped, call: ts.CallExpression): string {
  if (tsi.isFunctionExpression(fn) && fn.name) return fn.name.text;
  const parent = call.parent;
  if (
    (tsi.isVariableDeclaration(parent) || tsi.isPropertyAssignment(parent) || tsi.isPropertyDeclaration(parent)) &&
    tsi.isIdentifier(parent.name)
  ) {
    return parent.name.text;
  }
  return '<anonymous>';
}

/** The report's name, and for class members the property key metadata is published under. */
function tableName(tsi: typeof ts, file: ts.SourceFile, target: Target): { name: string; key?: string } {
  const { member, call } = target;
  if (tsi.isFunctionDeclaration(member)) return { name: member.name!.text };
  if (call) return { name: wrappedName(tsi, member as Wrapped, call) };
  const method = member as Member;
  const { label, key } = memberName(tsi, file, method.name);
  const prefix = tsi.isGetAccessorDeclaration(method) ? 'get ' : tsi.isSetAccessorDeclaration(method) ? 'set ' : '';
  return { name: `${className(tsi, method.parent as ts.ClassLikeDeclaration)}.${prefix}${label}`, key };
}

export function lineTable(tsi: typeof ts, file: ts.SourceFile, target: Target): LineTable {
  const { member, decorator, call, tag, options } = target;
  const start = (node: ts.Node) => lineOf(file, node.getStart(file));
  // The report starts at the member's first decorator, at the `profile(` call, or at the JSDoc tag.
  const first = tag ? lineOf(file, tag.start) : call ? start(call) : start(member);
  const { name, key } = tableName(tsi, file, target);
  return {
    file: file.fileName,
    name,
    ...(key === undefined ? {} : { key }),
    static: hasStatic(tsi, member),
    ...(isAsync(tsi, member) ? { async: true } : {}),
    ...(options && Object.keys(options).length ? { options } : {}),
    // The entry reading goes on the `@profile` decorator's line (not another decorator's above it).
    entry: decorator ? start(decorator) : first,
    first,
    lines: sourceLines(file, first, lineOf(file, member.body!.getEnd() - 1)),
  };
}

/**
 * The table as an expression: a plain object literal of strings, numbers and booleans, except `file`,
 * which is `file` (the source's path as worked out when the module loads, see source-path.ts).
 */
export function tableLiteral(tsi: typeof ts, table: LineTable, file: ts.Expression): ts.ObjectLiteralExpression {
  const f = tsi.factory;
  const value = (v: unknown): ts.Expression => {
    if (typeof v === 'string') return f.createStringLiteral(v);
    if (typeof v === 'number')
      return v < 0 ? f.createPrefixUnaryExpression(tsi.SyntaxKind.MinusToken, f.createNumericLiteral(-v)) : f.createNumericLiteral(v);
    if (typeof v === 'boolean') return v ? f.createTrue() : f.createFalse();
    if (v === null) return f.createNull();
    if (Array.isArray(v)) return f.createArrayLiteralExpression(v.map(value), v.length > 1);
    return object(v as object);
  };
  const object = (o: object): ts.ObjectLiteralExpression =>
    f.createObjectLiteralExpression(
      Object.entries(o).map(([k, v]) => f.createPropertyAssignment(k, value(v))),
      false,
    );
  return f.createObjectLiteralExpression(
    Object.entries(table).map(([k, v]) => f.createPropertyAssignment(k, k === 'file' ? file : value(v))),
    false,
  );
}
