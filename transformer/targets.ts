/**
 * Finds the members to instrument: every `@profile` in the file is either on a method or accessor
 * with a body (a target), or a diagnostic. Literal options are checked here with the runtime's rules.
 */
import type * as ts from 'typescript';
import { checkOption, describeValue } from '../runtime/option-rules';
import { Code, type Diagnose } from './diagnostics';
import { asProfileDecorator, isProfileCall, unparenthesized, type ProfileDecorator, type ProfileImport } from './imports';

export type Member = ts.MethodDeclaration | ts.GetAccessorDeclaration | ts.SetAccessorDeclaration;

/** A function written inline in `profile(function name() {...})` or `profile((x) => {...})`. */
export type Wrapped = ts.FunctionExpression | ts.ArrowFunction;

export interface Target {
  /** A method or accessor, a function in `profile(...)`, or a function declaration with `/** @profile *\/`. */
  readonly member: Member | Wrapped | ts.FunctionDeclaration;
  /** The `@profile` decorator; absent for the other half of a legacy accessor pair and for calls. */
  readonly decorator: ts.Decorator | undefined;
  /** `profile(...)` around an inline function: the call (its line carries the entry reading). */
  readonly call?: ts.CallExpression;
  /** `/** @profile {...} *\/` on a function declaration: where the tag is, and its options if any. */
  readonly tag?: { start: number; length: number };
  readonly options?: Record<string, unknown>;
  /** Under experimentalDecorators, the other half of a decorated accessor pair (one decorator profiles both). */
  readonly pair?: Target;
}

function isMember(tsi: typeof ts, node: ts.Node): node is Member {
  return (
    (tsi.isMethodDeclaration(node) || tsi.isGetAccessorDeclaration(node) || tsi.isSetAccessorDeclaration(node)) &&
    tsi.isClassLike(node.parent)
  );
}

function describeNode(tsi: typeof ts, node: ts.Node): string {
  if (tsi.isClassLike(node)) return 'a class';
  if (tsi.isParameter(node)) return 'a parameter';
  if (tsi.isPropertyDeclaration(node)) {
    return node.modifiers?.some((m) => m.kind === tsi.SyntaxKind.AccessorKeyword) ? "an 'accessor' field" : 'a property';
  }
  return 'this declaration';
}

/**
 * The file's profiled functions, in source order: members decorated with `@profile` (checked: a
 * refused one is a diagnostic, not a target), function declarations tagged `/** @profile *\/`, and
 * functions written inside `profile(...)`.
 */
export function findTargets(
  tsi: typeof ts,
  file: ts.SourceFile,
  imported: ProfileImport,
  diagnose: Diagnose,
  legacyDecorators: boolean,
): Target[] {
  const targets: Target[] = [];
  const visit = (node: ts.Node): void => {
    if (tsi.canHaveDecorators(node)) {
      for (const decorator of tsi.getDecorators(node) ?? []) {
        const found = asProfileDecorator(tsi, decorator, imported);
        if (found) targets.push(...decoratedMember(tsi, node, found, targets, diagnose, legacyDecorators));
      }
    }
    const tagged = taggedFunction(tsi, file, node, diagnose);
    if (tagged) targets.push(tagged);
    const inside = functionInProfileCall(tsi, node, imported);
    if (inside) targets.push(inside);
    tsi.forEachChild(node, visit);
  };
  visit(file);
  return targets;
}

/**
 * `@profile` on `node`: its target (and, with experimentalDecorators, its accessor pair's other
 * half), or none and a diagnostic when it cannot be profiled. `found` is the targets so far.
 */
function decoratedMember(
  tsi: typeof ts,
  node: ts.Node,
  decorated: ProfileDecorator,
  found: readonly Target[],
  diagnose: Diagnose,
  legacyDecorators: boolean,
): Target[] {
  const optionsOk = checkArguments(tsi, decorated, diagnose);
  if (!isMember(tsi, node)) {
    diagnose(
      decorated.decorator,
      Code.NotAMethod,
      `@profile can only decorate a method or a get/set accessor, not ${describeNode(tsi, node)}`,
    );
    return [];
  }
  if (!node.body) {
    const what = node.modifiers?.some((m) => m.kind === tsi.SyntaxKind.AbstractKeyword) ? 'an abstract method' : 'an overload signature';
    diagnose(decorated.decorator, Code.NoBody, `@profile needs a method body: put it on the implementation, not on ${what}`);
    return [];
  }
  if (!optionsOk) return [];
  // Two decorators would make two calls' worth of frames for one body, and one of them no report.
  if (found.some((t) => t.member === node || t.pair?.member === node)) {
    diagnose(decorated.decorator, Code.Twice, '@profile is on this member already: one is enough (put its options on that one)');
    return [];
  }
  // experimentalDecorators hands one descriptor with both halves of an accessor pair to the
  // decorator; the runtime wraps both.
  const other =
    legacyDecorators && (tsi.isGetAccessorDeclaration(node) || tsi.isSetAccessorDeclaration(node)) ? pairedAccessor(tsi, node) : undefined;
  const pair: Target | undefined = other?.body ? { member: other, decorator: undefined } : undefined;
  return pair ? [{ member: node, decorator: decorated.decorator, pair }, pair] : [{ member: node, decorator: decorated.decorator, pair }];
}

/** A function declaration with a body, tagged `/** @profile *\/` (its options checked). */
function taggedFunction(tsi: typeof ts, file: ts.SourceFile, node: ts.Node, diagnose: Diagnose): Target | undefined {
  if (!tsi.isFunctionDeclaration(node) || !node.body || !node.name) return undefined;
  const tag = profileTag(tsi, file, node);
  if (!tag) return undefined;
  const options = tagOptions(tsi, tag, diagnose);
  return options ? { member: node, decorator: undefined, tag, options } : undefined;
}

/** `profile(function () {...})` or `profile(() => ...)`: the function written inside the call. */
function functionInProfileCall(tsi: typeof ts, node: ts.Node, imported: ProfileImport): Target | undefined {
  if (!tsi.isCallExpression(node) || !isProfileCall(tsi, node, imported)) return undefined;
  const fn = unparenthesized(tsi, node.arguments[0]);
  if ((tsi.isFunctionExpression(fn) || tsi.isArrowFunction(fn)) && node.arguments.length === 1)
    return { member: fn, decorator: undefined, call: node };
  return undefined;
}

function pairedAccessor(tsi: typeof ts, accessor: ts.GetAccessorDeclaration | ts.SetAccessorDeclaration): Member | undefined {
  const name = accessor.name.getText();
  const isStatic = hasStatic(tsi, accessor);
  const wanted = tsi.isGetAccessorDeclaration(accessor) ? tsi.SyntaxKind.SetAccessor : tsi.SyntaxKind.GetAccessor;
  return (accessor.parent as ts.ClassLikeDeclaration).members.find(
    (m): m is ts.GetAccessorDeclaration | ts.SetAccessorDeclaration =>
      m.kind === wanted && (m as ts.AccessorDeclaration).name.getText() === name && hasStatic(tsi, m) === isStatic,
  );
}

/** An async function or method. */
export function isAsync(tsi: typeof ts, node: ts.Node): boolean {
  return tsi.canHaveModifiers(node) && !!tsi.getModifiers(node)?.some((m) => m.kind === tsi.SyntaxKind.AsyncKeyword);
}

/** A generator function or method (`function*`, `*m()`). */
export function isGenerator(node: ts.Node): boolean {
  return 'asteriskToken' in node && !!(node as { asteriskToken?: unknown }).asteriskToken;
}

export function hasStatic(tsi: typeof ts, node: ts.Node): boolean {
  return tsi.canHaveModifiers(node) && (tsi.getModifiers(node) ?? []).some((m) => m.kind === tsi.SyntaxKind.StaticKeyword);
}

/** A value the compiler can read off the source, or NOT_LITERAL. */
const NOT_LITERAL = Symbol('not a literal');

function literalValue(tsi: typeof ts, node: ts.Expression): unknown {
  const e = unparenthesized(tsi, node);
  if (tsi.isNumericLiteral(e)) return Number(e.text);
  if (tsi.isStringLiteral(e) || tsi.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (tsi.isPrefixUnaryExpression(e) && tsi.isNumericLiteral(e.operand)) {
    if (e.operator === tsi.SyntaxKind.MinusToken) return -Number(e.operand.text);
    if (e.operator === tsi.SyntaxKind.PlusToken) return Number(e.operand.text);
  }
  if (e.kind === tsi.SyntaxKind.TrueKeyword) return true;
  if (e.kind === tsi.SyntaxKind.FalseKeyword) return false;
  if (e.kind === tsi.SyntaxKind.NullKeyword) return null;
  if (tsi.isIdentifier(e) && e.text === 'undefined') return undefined;
  if (tsi.isArrowFunction(e) || tsi.isFunctionExpression(e) || tsi.isClassExpression(e)) return () => undefined;
  if (tsi.isArrayLiteralExpression(e)) return [];
  return NOT_LITERAL;
}

/**
 * `@profile {options}` as a tag of a doc comment before a function declaration. The comment is parsed
 * by TypeScript's own JSDoc parser (tsc does not parse JSDoc in .ts files since TypeScript 5.3, so the
 * file itself may have no tag nodes): a tag is what TypeScript calls a tag, named exactly `profile`
 * (not `@profile-free`, not `team@profile.example.com`), and it counts only where it begins a line of
 * the comment. TypeScript also takes `@word` after a space in running text for a tag ("do not put
 * @profile here"); such a mention is prose, not a request to profile. The options are the rest of the
 * tag's line; what TypeScript attaches to the tag from later lines is description.
 */
function profileTag(
  tsi: typeof ts,
  file: ts.SourceFile,
  node: ts.FunctionDeclaration,
): { start: number; length: number; text: string } | undefined {
  for (const range of tsi.getLeadingCommentRanges(file.text, node.pos) ?? []) {
    const comment = file.text.slice(range.pos, range.end);
    // Only comments that mention it are parsed (a parse per doc comment would add up in a large file).
    if (!comment.startsWith('/**') || comment.startsWith('/**/') || !comment.includes('@profile')) continue;
    for (const tag of jsDocTags(tsi, comment)) {
      if (tag.name !== 'profile' || !beginsLine(comment, tag.at)) continue;
      const text = tag.text.split(/\r?\n/)[0].trim();
      return { start: range.pos + tag.at, length: '@profile'.length, text };
    }
  }
  return undefined;
}

/** The tags of one doc comment as TypeScript parses them: name, offset of the `@` in the comment, text. */
function jsDocTags(tsi: typeof ts, comment: string): Array<{ name: string; at: number; text: string }> {
  const parsed = tsi.createSourceFile(
    'comment.ts',
    `${comment}\nfunction f() {}`,
    { languageVersion: tsi.ScriptTarget.Latest, jsDocParsingMode: tsi.JSDocParsingMode.ParseAll },
    true,
  );
  const fn = parsed.statements[0];
  if (!fn) return [];
  return tsi.getJSDocTags(fn).map((tag) => ({
    name: tag.tagName.text,
    at: tag.tagName.getStart(parsed) - 1,
    text: tsi.getTextOfJSDocComment(tag.comment) ?? '',
  }));
}

/** Only `/**`, `*` and white space before `at` on its line of the comment. */
function beginsLine(comment: string, at: number): boolean {
  const lineStart = Math.max(comment.lastIndexOf('\n', at - 1) + 1, 0);
  return /^\s*(\/\*\*)?\s*\*?\s*$/.test(comment.slice(lineStart, at));
}

/**
 * The options of `/** @profile {precision: 4} *\/`: an object literal of literal values, checked with
 * the runtime's rules; undefined (and a diagnostic at the tag) when it is not one.
 */
function tagOptions(
  tsi: typeof ts,
  tag: { start: number; length: number; text: string },
  diagnose: Diagnose,
): Record<string, unknown> | undefined {
  const text = tag.text;
  if (text === '') return {};
  const parsed = tsi.createSourceFile('options.ts', `(${text})`, tsi.ScriptTarget.Latest, true);
  const statement = parsed.statements[0];
  const literal =
    parsed.statements.length === 1 && tsi.isExpressionStatement(statement) ? unparenthesized(tsi, statement.expression) : undefined;
  if (!literal || !tsi.isObjectLiteralExpression(literal)) {
    diagnose(tag, Code.BadOptions, `/** @profile */ takes an object literal of options, like {precision: 4}, got ${text}`);
    return undefined;
  }
  const options: Record<string, unknown> = {};
  for (const property of literal.properties) {
    const name = property.name && (tsi.isIdentifier(property.name) || tsi.isStringLiteral(property.name)) ? property.name.text : undefined;
    const value = tsi.isPropertyAssignment(property) ? literalValue(tsi, property.initializer) : NOT_LITERAL;
    if (name === undefined || value === NOT_LITERAL || typeof value === 'function' || Array.isArray(value)) {
      diagnose(tag, Code.BadOptions, `/** @profile */ options must be written as literals (name: value), got ${property.getText(parsed)}`);
      return undefined;
    }
    const problem = checkOption(name, value);
    if (problem) {
      diagnose(tag, Code.BadOptions, `/** @profile */ ${problem}`);
      return undefined;
    }
    options[name] = value;
  }
  return options;
}

/** Checks `@profile(...)`'s arguments as far as they are literal; false when it reported a problem. */
function checkArguments(tsi: typeof ts, found: ProfileDecorator, diagnose: Diagnose): boolean {
  const args = found.args;
  if (!args || args.length === 0) return true;
  if (args.length > 1) {
    diagnose(args[1], Code.BadOptions, `@profile(options) takes one argument, got ${args.length}`);
    return false;
  }
  const options = unparenthesized(tsi, args[0]);
  if (!tsi.isObjectLiteralExpression(options)) {
    const value = literalValue(tsi, options);
    if (value === NOT_LITERAL || value === undefined) return true;
    diagnose(options, Code.BadOptions, `@profile options must be an object, got ${describeValue(value)}`);
    return false;
  }
  let ok = true;
  for (const property of options.properties) {
    if (tsi.isSpreadAssignment(property) || !property.name) continue;
    const name = tsi.isIdentifier(property.name) || tsi.isStringLiteral(property.name) ? property.name.text : undefined;
    if (name === undefined) continue;
    let value: unknown = NOT_LITERAL;
    if (tsi.isPropertyAssignment(property)) value = literalValue(tsi, property.initializer);
    else if (tsi.isMethodDeclaration(property)) value = () => undefined;
    const problem = checkOption(name, value === NOT_LITERAL ? undefined : value);
    if (problem) {
      const at =
        tsi.isPropertyAssignment(property) && value !== NOT_LITERAL && !problem.startsWith('unknown')
          ? property.initializer
          : property.name;
      diagnose(at, Code.BadOptions, `@profile ${problem}`);
      ok = false;
    }
  }
  return ok;
}
