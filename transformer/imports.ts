/**
 * Which names in a file mean `profile` from ts-memory-profiler: found from the file's imports alone,
 * so it works without a type checker (`transpileModule` hosts) as well as in a full program.
 */
import type * as ts from 'typescript';

export const PACKAGE = 'ts-memory-profiler';

export interface ProfileImport {
  /** The module specifier as written, reused for the runtime import the transformer adds. */
  readonly specifier: string;
  /** The import declaration the runtime import is placed after; absent when the file only has `/** @profile *\/`. */
  readonly declaration: ts.ImportDeclaration | undefined;
  /** Local names bound to `profile`: `import { profile }`, `import { profile as mem }`. */
  readonly names: ReadonlySet<string>;
  /** Local names of namespace imports: `import * as mp` (then `mp.profile`). */
  readonly namespaces: ReadonlySet<string>;
}

export function findProfileImport(tsi: typeof ts, file: ts.SourceFile): ProfileImport | undefined {
  const names = new Set<string>();
  const namespaces = new Set<string>();
  let declaration: ts.ImportDeclaration | undefined;
  for (const statement of file.statements) {
    if (!tsi.isImportDeclaration(statement) || !tsi.isStringLiteral(statement.moduleSpecifier)) continue;
    if (statement.moduleSpecifier.text !== PACKAGE) continue;
    const clause = statement.importClause;
    if (!clause || clause.isTypeOnly || !clause.namedBindings) continue;
    if (tsi.isNamespaceImport(clause.namedBindings)) {
      namespaces.add(clause.namedBindings.name.text);
    } else {
      for (const element of clause.namedBindings.elements) {
        const imported = (element.propertyName ?? element.name).text;
        if (imported === 'profile' && !element.isTypeOnly) names.add(element.name.text);
      }
    }
    declaration ??= statement;
  }
  if (declaration && (names.size > 0 || namespaces.size > 0)) {
    return { specifier: (declaration.moduleSpecifier as ts.StringLiteral).text, declaration, names, namespaces };
  }
  // `/** @profile */` on a function needs no import: the runtime is imported for it.
  if (/@profile\b/.test(file.text)) return { specifier: PACKAGE, declaration: undefined, names, namespaces };
  return undefined;
}

/** `profile`, `mem`, `mp.profile`: the decorator function itself (not called). */
function isProfileName(tsi: typeof ts, expression: ts.Expression, imported: ProfileImport): boolean {
  expression = unparenthesized(tsi, expression);
  if (tsi.isIdentifier(expression)) return imported.names.has(expression.text);
  if (!tsi.isPropertyAccessExpression(expression)) return false;
  const namespace = unparenthesized(tsi, expression.expression);
  return tsi.isIdentifier(namespace) && imported.namespaces.has(namespace.text) && expression.name.text === 'profile';
}

export interface ProfileDecorator {
  readonly decorator: ts.Decorator;
  /** The arguments of `@profile(...)`, or undefined for a bare `@profile`. */
  readonly args: readonly ts.Expression[] | undefined;
}

/**
 * Looks through what only the type checker sees: parentheses, `as`, `satisfies`, `!` and `<T>x`.
 * `@(profile as any)` and `@profile!` are the imported `profile` once compiled, so they are profiled
 * like `@profile` (left alone, they would run uninstrumented with a hint to add the plugin that is there).
 */
export function unparenthesized(tsi: typeof ts, expression: ts.Expression): ts.Expression {
  while (
    tsi.isParenthesizedExpression(expression) ||
    tsi.isAsExpression(expression) ||
    tsi.isSatisfiesExpression(expression) ||
    tsi.isNonNullExpression(expression) ||
    tsi.isTypeAssertionExpression(expression)
  ) {
    expression = expression.expression;
  }
  return expression;
}

/** Recognises `@profile`, `@profile(...)`, `@(profile)`, `@mp.profile(...)`, and those with `as T` or `!`. */
export function asProfileDecorator(tsi: typeof ts, decorator: ts.Decorator, imported: ProfileImport): ProfileDecorator | undefined {
  const expression = unparenthesized(tsi, decorator.expression);
  if (isProfileName(tsi, expression, imported)) return { decorator, args: undefined };
  if (tsi.isCallExpression(expression) && isProfileName(tsi, unparenthesized(tsi, expression.expression), imported)) {
    return { decorator, args: expression.arguments };
  }
  return undefined;
}

/** `profile(...)` called as a function (not as a decorator): `profile(fn)`, `mp.profile(fn)`. */
export function isProfileCall(tsi: typeof ts, call: ts.CallExpression, imported: ProfileImport): boolean {
  return !tsi.isDecorator(call.parent) && isProfileName(tsi, unparenthesized(tsi, call.expression), imported);
}
