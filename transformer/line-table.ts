/**
 * The line table of one instrumented method: its name, where it is, and its source lines, emitted as
 * an object literal that the runtime reads (see runtime/types.ts, LineTable).
 */
import type * as ts from 'typescript';
import type { LineTable } from '../runtime/types';
import { hasStatic, type Member, type Target } from './targets';

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
    lines.push(file.text.slice(starts[line - 1], end).replace(/\r?\n$/, '').replace(/\r$/, ''));
  }
  return lines;
}

/** An async method that is not a generator: its call ends when its body does (see `__leave`). */
function isAsyncMethod(tsi: typeof ts, member: Member): boolean {
  const async = !!tsi.getModifiers(member)?.some((m) => m.kind === tsi.SyntaxKind.AsyncKeyword);
  return async && !(tsi.isMethodDeclaration(member) && member.asteriskToken);
}

/** `const work = profile(function () {...})` is named `work`; a named function expression by its name. */
function wrappedName(tsi: typeof ts, fn: ts.FunctionExpression | ts.ArrowFunction, call: ts.CallExpression): string {
  if (tsi.isFunctionExpression(fn) && fn.name) return fn.name.text;
  const parent = call.parent;
  if ((tsi.isVariableDeclaration(parent) || tsi.isPropertyAssignment(parent) || tsi.isPropertyDeclaration(parent)) && tsi.isIdentifier(parent.name)) {
    return parent.name.text;
  }
  return '<anonymous>';
}

export function lineTable(tsi: typeof ts, file: ts.SourceFile, target: Target): LineTable {
  const { member, decorator, call, tag } = target;
  if (tag) {
    // `/** @profile */`: the tag's line carries the entry reading, as a decorator's would.
    const fn = member as ts.FunctionDeclaration;
    const first = lineOf(file, tag.start);
    const async = !!tsi.getModifiers(fn)?.some((m) => m.kind === tsi.SyntaxKind.AsyncKeyword);
    return {
      file: file.fileName,
      name: fn.name!.text,
      static: false,
      ...(async ? { async: true } : {}),
      ...(target.options && Object.keys(target.options).length ? { options: target.options } : {}),
      entry: first,
      first,
      lines: sourceLines(file, first, lineOf(file, fn.body!.getEnd() - 1)),
    };
  }
  if (call) {
    const fn = member as ts.FunctionExpression | ts.ArrowFunction;
    const first = lineOf(file, call.getStart(file));
    const last = lineOf(file, fn.body.getEnd() - 1);
    const async = !!tsi.getModifiers(fn)?.some((m) => m.kind === tsi.SyntaxKind.AsyncKeyword);
    return {
      file: file.fileName,
      name: wrappedName(tsi, fn, call),
      static: false,
      ...(async ? { async: true } : {}),
      entry: first,
      first,
      lines: sourceLines(file, first, last),
    };
  }
  return methodTable(tsi, file, member as Member, decorator);
}

function methodTable(tsi: typeof ts, file: ts.SourceFile, member: Member, decorator: ts.Decorator | undefined): LineTable {
  const first = lineOf(file, member.getStart(file));
  const last = lineOf(file, member.body!.getEnd() - 1);
  const { label, key } = memberName(tsi, file, member.name);
  const prefix = tsi.isGetAccessorDeclaration(member) ? 'get ' : tsi.isSetAccessorDeclaration(member) ? 'set ' : '';
  return {
    file: file.fileName,
    name: `${className(tsi, member.parent as ts.ClassLikeDeclaration)}.${prefix}${label}`,
    ...(key === undefined ? {} : { key }),
    static: hasStatic(tsi, member),
    ...(isAsyncMethod(tsi, member) ? { async: true } : {}),
    entry: decorator ? lineOf(file, decorator.getStart(file)) : first,
    first,
    lines: sourceLines(file, first, last),
  };
}

/** The table as an expression: a plain object literal of strings, numbers and booleans. */
export function tableLiteral(tsi: typeof ts, table: LineTable): ts.ObjectLiteralExpression {
  const f = tsi.factory;
  const value = (v: unknown): ts.Expression => {
    if (typeof v === 'string') return f.createStringLiteral(v);
    if (typeof v === 'number') return v < 0 ? f.createPrefixUnaryExpression(tsi.SyntaxKind.MinusToken, f.createNumericLiteral(-v)) : f.createNumericLiteral(v);
    if (typeof v === 'boolean') return v ? f.createTrue() : f.createFalse();
    if (v === null) return f.createNull();
    if (Array.isArray(v)) return f.createArrayLiteralExpression(v.map(value), v.length > 1);
    return object(v as object);
  };
  const object = (o: object): ts.ObjectLiteralExpression =>
    f.createObjectLiteralExpression(Object.entries(o).map(([k, v]) => f.createPropertyAssignment(k, value(v))), false);
  return object(table);
}
