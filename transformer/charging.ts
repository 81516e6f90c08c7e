/**
 * The charging rules: where a statement of a profiled method gets its probes, so that the runtime
 * charges each interval to the line whose work it was. One small function per kind of statement, in
 * the order of the README's table ("Which line is charged, and how often"); `chargingRules` maps the
 * host TypeScript's own `SyntaxKind` numbers to them (they differ between TypeScript versions).
 *
 * A probe, `__mp.__line(frame, n)`, marks the start of line n's work. The rules:
 * - expression, declaration, `return`, `throw`, `break`, `continue`: before it, its first line;
 * - `if (c)`: before the `if`, once per evaluation of `c`; single-statement branches get a block;
 * - `for (init; test; update)`: before the loop (init and first test) and in the update, so the
 *   header counts iterations + 1, as memory_profiler shows 6 for a 5-item loop;
 * - `while (c)` / `do ... while (c)`: inside the condition, `(probe, c)`, once per evaluation;
 * - `for...of` / `for...in`: before the loop and at the end of the body, and before each `continue`
 *   that targets it, so each iterator step (the last, ending one included) is charged to the header;
 * - `switch (d)`: before it; `case x:` inside its test, `(probe, x)`; `catch (e)`: first in its block;
 * - none of their own: a block, a label (its probes go before it, so `continue label` still reaches
 *   the loop), a function declaration (it stays where it is, for hoisting), types.
 *
 * What the rules do not cover is in instrument.ts: functions written inside the method (probed too,
 * a concise arrow body charged to its expression's line), a profiled generator's `yield`, and the
 * profiled method's parameters (no probe: they run before its frame exists).
 */
import type * as ts from 'typescript';

/** What a rule works with: the visitor's own steps (instrument.ts, Instrumenter). */
export interface Charging {
  readonly tsi: typeof ts;
  readonly f: ts.NodeFactory;
  readonly file: ts.SourceFile;
  /** The visitor for what a statement holds (functions and classes written inside it). */
  readonly visit: ts.Visitor;
  /**
   * The statement's own line, taking the labels written directly on it (a loop keeps them for
   * `continue`; any other statement drops them). Rules with no line of their own do not ask.
   */
  own(s: ts.Statement): { line: number | undefined; labels: string[] };
  /** The first line of an original node; undefined for one another transformer made up. */
  lineAt(node: ts.Node): number | undefined;
  /** A node or an expression with functions and classes inside it visited. */
  visited<T extends ts.Node>(node: T | undefined): T | undefined;
  expression(node: ts.Expression): ts.Expression;
  /** A list of statements, each through its rule. */
  statements(statements: readonly ts.Statement[]): ts.Statement[];
  /** One statement through its rule. */
  statement(s: ts.Statement): ts.Statement[];
  /** An original block with new statements (keeping its range). */
  block(original: ts.Block, statements: readonly ts.Statement[]): ts.Block;
  /** The body of an if or a loop as a block, so probes have a place to go. */
  embedded(s: ts.Statement): ts.Block;
  /** A loop's body, visited with the loop known to its `continue`s. */
  loopBody(body: ts.Statement, labels: string[], line: number | undefined, stepsAtContinue: boolean): ts.Block;
  /** Whether a `continue` targets a for...of / for...in, and that loop's line. */
  continueTarget(s: ts.ContinueStatement): { line: number | undefined; stepsAtContinue: boolean } | undefined;
  /** `probe;` as statements (none for an unknown line). */
  probeStatement(line: number | undefined): ts.Statement[];
  /** `(probe, expression)`. */
  probed(line: number | undefined, expression: ts.Expression): ts.Expression;
  /** `probe` alone, or `void 0` for an unknown line. */
  probe(line: number | undefined): ts.Expression;
  /** Source-maps made-up nodes to the original code they stand for. */
  mapped<T extends ts.Node | readonly ts.Node[]>(made: T, original: ts.Node | ts.TextRange): T;
  /** A function declaration: `/** @profile *\/` ones become their wrapper and body, others are visited. */
  functionDeclaration(s: ts.FunctionDeclaration): ts.Statement[];
  /** Visits `inner` with `labels` as the labels written on it. */
  withLabels(labels: string[], inner: ts.Statement): ts.Statement[];
}

export type ChargingRule = (s: ts.Statement, c: Charging) => ts.Statement[];

// ---- expression, declaration, return, throw, break, continue: its first line ----------------------

/** The default: expressions, declarations, `return`, `throw`, `break`, `debugger`, a nested class. */
export const ownLine: ChargingRule = (s, c) => {
  const { line } = c.own(s);
  return [...c.probeStatement(line), c.tsi.visitNode(s, c.visit, c.tsi.isStatement)!];
};

/** `continue`: its line; targeting a for...of / for...in, then the loop's next step on the header. */
const continueStatement: ChargingRule = (s, c) => {
  const { line } = c.own(s);
  const loop = c.continueTarget(s as ts.ContinueStatement);
  const step = loop?.stepsAtContinue ? c.mapped(c.probeStatement(loop.line), s) : [];
  return [...c.probeStatement(line), ...step, s];
};

// ---- if (c): the if line, each evaluation of c -----------------------------------------------------

const ifStatement: ChargingRule = (node, c) => {
  const s = node as ts.IfStatement;
  const { line } = c.own(s);
  return [
    ...c.probeStatement(line),
    c.f.updateIfStatement(s, c.expression(s.expression), c.embedded(s.thenStatement), s.elseStatement && c.embedded(s.elseStatement)),
  ];
};

// ---- loops: the header line, each test or iterator step --------------------------------------------

/** `for (init; test; update)`: before the loop, and in the update. */
const forStatement: ChargingRule = (node, c) => {
  const s = node as ts.ForStatement;
  const { line, labels } = c.own(s);
  const update = s.incrementor ? c.probed(line, c.expression(s.incrementor)) : c.probe(line);
  return [
    ...c.probeStatement(line),
    c.f.updateForStatement(
      s,
      c.visited(s.initializer),
      s.condition && c.expression(s.condition),
      update,
      c.loopBody(s.statement, labels, line, false),
    ),
  ];
};

/** `while (c)`: inside the condition. */
const whileStatement: ChargingRule = (node, c) => {
  const s = node as ts.WhileStatement;
  const { line, labels } = c.own(s);
  return [c.f.updateWhileStatement(s, c.probed(line, c.expression(s.expression)), c.loopBody(s.statement, labels, line, false))];
};

/** `for...of` / `for...in`: before the loop and at the end of its body (and at a `continue` to it). */
const forOfOrIn: ChargingRule = (node, c) => {
  const s = node as ts.ForOfStatement | ts.ForInStatement;
  const { tsi, f } = c;
  const { line, labels } = c.own(s);
  const body = c.loopBody(s.statement, labels, line, true);
  const stepped = c.block(body, [...body.statements, ...c.mapped(c.probeStatement(line), closing(s.statement))]);
  const initializer = c.visited(s.initializer)!;
  return [
    ...c.probeStatement(line),
    tsi.isForOfStatement(s)
      ? f.updateForOfStatement(s, s.awaitModifier, initializer, c.expression(s.expression), stepped)
      : f.updateForInStatement(s, initializer, c.expression(s.expression), stepped),
  ];
};

// ---- do ... while (c): the while (c) line, each evaluation of c ------------------------------------

const doStatement: ChargingRule = (node, c) => {
  const s = node as ts.DoStatement;
  const { line, labels } = c.own(s);
  const whileKeyword = s.getChildren(c.file).find((child) => child.kind === c.tsi.SyntaxKind.WhileKeyword);
  const whileLine = whileKeyword ? c.lineAt(whileKeyword) : line;
  const body = c.loopBody(s.statement, labels, whileLine, false);
  return [c.f.updateDoStatement(s, body, c.probed(whileLine, c.expression(s.expression)))];
};

// ---- switch (d) / case x: the switch line, each evaluation / each case line, each test --------------

const switchStatement: ChargingRule = (node, c) => {
  const s = node as ts.SwitchStatement;
  const { tsi, f } = c;
  const { line } = c.own(s);
  const clauses = s.caseBlock.clauses.map((clause) =>
    tsi.isCaseClause(clause)
      ? f.updateCaseClause(clause, c.probed(c.lineAt(clause), c.expression(clause.expression)), c.statements(clause.statements))
      : f.updateDefaultClause(clause, c.statements(clause.statements)),
  );
  return [...c.probeStatement(line), f.updateSwitchStatement(s, c.expression(s.expression), f.updateCaseBlock(s.caseBlock, clauses))];
};

// ---- catch (e): the catch line, each entry (try and finally: none of their own) ---------------------

const tryStatement: ChargingRule = (node, c) => {
  const s = node as ts.TryStatement;
  c.own(s);
  const handler = s.catchClause;
  const catchClause =
    handler &&
    c.f.updateCatchClause(
      handler,
      c.visited(handler.variableDeclaration),
      c.block(handler.block, [
        ...c.mapped(c.probeStatement(c.lineAt(handler)), opening(handler.block)),
        ...c.statements(handler.block.statements),
      ]),
    );
  const finallyBlock = s.finallyBlock && c.block(s.finallyBlock, c.statements(s.finallyBlock.statements));
  return [c.f.updateTryStatement(s, c.block(s.tryBlock, c.statements(s.tryBlock.statements)), catchClause, finallyBlock)];
};

// ---- none of their own: a block, a label, a function declaration, types ----------------------------

const block: ChargingRule = (s, c) => [c.block(s as ts.Block, c.statements((s as ts.Block).statements))];

const unchanged: ChargingRule = (s) => [s];

const functionDeclaration: ChargingRule = (s, c) => c.functionDeclaration(s as ts.FunctionDeclaration);

/** `a: b: stmt`: the labels stay on the statement, its probes go before them. */
const labeled: ChargingRule = (s, c) => {
  const chain: ts.LabeledStatement[] = [];
  let inner: ts.Statement = s;
  while (c.tsi.isLabeledStatement(inner)) {
    chain.push(inner);
    inner = inner.statement;
  }
  const result = c.withLabels(
    chain.map((l) => l.label.text),
    inner,
  );
  let statement = result[result.length - 1];
  for (let i = chain.length - 1; i >= 0; i--) statement = c.f.updateLabeledStatement(chain[i], chain[i].label, statement);
  return [...result.slice(0, -1), statement];
};

/** The rules by the host TypeScript's kinds; any other statement is charged to its own line (ownLine). */
export function chargingRules(tsi: typeof ts): ReadonlyMap<ts.SyntaxKind, ChargingRule> {
  const kind = tsi.SyntaxKind;
  return new Map<ts.SyntaxKind, ChargingRule>([
    [kind.ContinueStatement, continueStatement],
    [kind.IfStatement, ifStatement],
    [kind.ForStatement, forStatement],
    [kind.WhileStatement, whileStatement],
    [kind.ForOfStatement, forOfOrIn],
    [kind.ForInStatement, forOfOrIn],
    [kind.DoStatement, doStatement],
    [kind.SwitchStatement, switchStatement],
    [kind.TryStatement, tryStatement],
    [kind.Block, block],
    [kind.LabeledStatement, labeled],
    [kind.FunctionDeclaration, functionDeclaration],
    [kind.EmptyStatement, unchanged],
    [kind.InterfaceDeclaration, unchanged],
    [kind.TypeAliasDeclaration, unchanged],
  ]);
}

/** The opening brace of a block body (the start of an expression body). */
export function opening(body: ts.Node): ts.TextRange {
  return { pos: body.pos < 0 ? -1 : body.getStart(), end: body.pos < 0 ? -1 : body.getStart() + 1 };
}

/** The closing brace of a block body (the end of any other node). */
export function closing(node: ts.Node): ts.TextRange {
  return { pos: node.end < 0 ? -1 : Math.max(node.end - 1, 0), end: node.end };
}
