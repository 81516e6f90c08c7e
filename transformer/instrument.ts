/**
 * The visitor that puts probes into profiled methods. A probe, `__mp.__line(frame, n)`, marks the start of
 * line n's work; the runtime charges each interval between readings to the line whose work it was.
 * Where a statement's probes go is charging.ts's table of rules; here is the rest:
 * - a profiled member's body opens and ends its call itself (`__enter` ... `__leave`), and its
 *   `@profile` learns the line tables (`__instrumented`); nothing in its parameter list is probed:
 *   it runs before the frame exists;
 * - functions, arrows and callbacks written inside the method are probed too, and a plain (not async,
 *   not generator) one hands its caller's line back when it returns (`save` / `restore`), so the rest
 *   of the caller's line is charged to the caller, not to the callback's last line;
 * - a concise arrow body `x => expr` is charged to the line of `expr`;
 * - in a profiled generator's own body, `yield x` becomes `yield __mp.__yielding(frame, x)`: the
 *   frame stops recording while the consumer has the value (a sync generator's wrapper also does it
 *   after each step, but a generator method that another decorator wrapped first gets no such wrapper).
 */
import type * as ts from 'typescript';
import { FRAME_METHODS, HOOKS } from '../runtime/emitted-names';
import { chargingRules, closing, opening, ownLine, type Charging, type ChargingRule } from './charging';
import { lineOf } from './line-table';
import { isAsync, isGenerator, type Member, type Target, type Wrapped } from './targets';

/** What the file-level transformer gives the visitor. */
export interface Emitter {
  /** The namespace import of the runtime (`import * as __mp from 'ts-memory-profiler'`). */
  readonly runtime: ts.Identifier;
  /** The file's array of line tables. */
  readonly tables: ts.Identifier;
  /** Records the target's table and returns its index in `tables`. */
  tableIndex(target: Target): number;
}

interface Loop {
  readonly labels: readonly string[];
  readonly line: number | undefined;
  /** for...of / for...in: `continue` must charge the next iterator step to the header itself. */
  readonly stepsAtContinue: boolean;
}

type FunctionWithBody =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration
  | ts.ConstructorDeclaration;

export class Instrumenter implements Charging {
  readonly f: ts.NodeFactory;
  /** The charging rules by statement kind (charging.ts). */
  private readonly rules: ReadonlyMap<ts.SyntaxKind, ChargingRule>;
  /** The frame variable of the profiled method being visited; undefined outside profiled methods. */
  private frame: ts.Identifier | undefined;
  /** Loops enclosing the statement being visited, innermost last (reset in each function). */
  private loops: Loop[] = [];
  /** Labels written directly on the loop about to be visited. */
  private labels: string[] = [];
  /** In a profiled generator's own body (not in functions inside it): its frame, for `yield`. */
  private yieldFrame: ts.Identifier | undefined;
  /** `profile(function () {...})` calls, by the call. */
  private readonly calls: ReadonlyMap<ts.Node, Target>;

  constructor(
    readonly tsi: typeof ts,
    private readonly context: ts.TransformationContext,
    readonly file: ts.SourceFile,
    private readonly targets: ReadonlyMap<ts.Node, Target>,
    /** Nodes that contain a target: outside profiled methods, the visitor only descends into these. */
    private readonly around: ReadonlySet<ts.Node>,
    private readonly emitter: Emitter,
  ) {
    this.f = tsi.factory;
    this.rules = chargingRules(tsi);
    this.calls = new Map([...targets.values()].filter((t) => t.call).map((t) => [t.call!, t]));
  }

  readonly visit = (node: ts.Node): ts.VisitResult<ts.Node> => {
    const tsi = this.tsi;
    if (tsi.isClassLike(node) && node.members.some((m) => this.targets.has(m))) return this.visitClass(node);
    const call = tsi.isCallExpression(node) ? this.calls.get(node) : undefined;
    if (call) return this.instrumentedCall(node as ts.CallExpression, call);
    const target = this.targets.get(node);
    if (target?.tag) return this.profiledDeclaration(target, this.emitter.tableIndex(target));
    if (this.frame) {
      if (isFunctionWithBody(tsi, node)) return this.visitFunction(node);
      if (this.yieldFrame && tsi.isYieldExpression(node) && !node.asteriskToken) return this.markedYield(node, this.yieldFrame);
      if (tsi.isClassStaticBlockDeclaration(node)) {
        return this.f.updateClassStaticBlockDeclaration(
          node,
          this.inFunction(() => this.block(node.body, this.statements(node.body.statements))),
        );
      }
      return tsi.visitEachChild(node, this.visit, this.context);
    }
    return this.around.has(node) ? tsi.visitEachChild(node, this.visit, this.context) : node;
  };

  // ---- classes and profiled members -------------------------------------------------------------

  private visitClass(cls: ts.ClassLikeDeclaration): ts.ClassLikeDeclaration {
    const { f, tsi } = this;
    const indices: number[] = [];
    const members = cls.members.map((member) => {
      const target = this.targets.get(member);
      if (!target) return this.tsi.visitNode(member, this.visit, tsi.isClassElement)!;
      const index = this.emitter.tableIndex(target);
      indices.push(index);
      return this.profiledMember(target, index);
    });
    // static { __mp.__register(this, __mpLines[i], ...) }: publishes the tables while the class is defined.
    const register = f.createExpressionStatement(
      this.runtimeCall(HOOKS.register, [f.createThis(), ...indices.map((i) => this.tableRef(i))]),
    );
    members.push(f.createClassStaticBlockDeclaration(f.createBlock([register], false)));
    const modifiers = tsi.visitNodes(cls.modifiers, this.visit, tsi.isModifierLike);
    const heritage = tsi.visitNodes(cls.heritageClauses, this.visit, tsi.isHeritageClause);
    return tsi.isClassDeclaration(cls)
      ? f.updateClassDeclaration(cls, modifiers, cls.name, cls.typeParameters, heritage, members)
      : f.updateClassExpression(cls, modifiers, cls.name, cls.typeParameters, heritage, members);
  }

  private tableRef(index: number): ts.Expression {
    return this.f.createElementAccessExpression(this.emitter.tables, index);
  }

  /** `__mp.<hook>(...args)`: a call of one of the runtime's hooks (runtime/emitted-names.ts). */
  private runtimeCall(name: (typeof HOOKS)[keyof typeof HOOKS], args: ts.Expression[]): ts.CallExpression {
    return this.f.createCallExpression(this.f.createPropertyAccessExpression(this.emitter.runtime, name), undefined, args);
  }

  /** `const <name> = <value>;` */
  private constant(name: ts.Identifier, value: ts.Expression): ts.VariableStatement {
    const f = this.f;
    return f.createVariableStatement(
      undefined,
      f.createVariableDeclarationList([f.createVariableDeclaration(name, undefined, undefined, value)], this.tsi.NodeFlags.Const),
    );
  }

  /** A profiled method or accessor: its body gets a frame of its own. */
  private profiledMember(target: Target, index: number): ts.ClassElement {
    const { f, tsi } = this;
    const member = target.member as Member;
    const tables = [index, ...(target.pair ? [this.emitter.tableIndex(target.pair)] : [])];
    const modifiers = tsi.visitNodes(
      member.modifiers,
      (node) => (node === target.decorator ? this.instrumentedDecorator(target.decorator, tables) : this.visit(node)),
      tsi.isModifierLike,
    );
    const name = tsi.visitNode(member.name, this.visit, tsi.isPropertyName)!;
    const { parameters, body } = this.profiledSignature(member, index);
    if (tsi.isMethodDeclaration(member)) {
      return f.updateMethodDeclaration(
        member,
        modifiers,
        member.asteriskToken,
        name,
        member.questionToken,
        member.typeParameters,
        parameters,
        member.type,
        body,
      );
    }
    if (tsi.isGetAccessorDeclaration(member)) {
      return f.updateGetAccessorDeclaration(member, modifiers, name, parameters, member.type, body);
    }
    return f.updateSetAccessorDeclaration(member, modifiers, name, parameters, body);
  }

  /**
   * `@profile(...)` -> `@__mp.__instrumented(profile(...), __mpLines[i])`: the decorator learns which
   * line tables the body records into, so it can leave an instrumented method unwrapped.
   */
  private instrumentedDecorator(decorator: ts.Decorator, tables: number[]): ts.Decorator {
    const expression = this.tsi.visitNode(decorator.expression, this.visit, this.tsi.isExpression)!;
    return this.f.updateDecorator(decorator, this.runtimeCall(HOOKS.instrumented, [expression, ...tables.map((i) => this.tableRef(i))]));
  }

  /** `profile(function () {...})` -> `__mp.__instrumented(profile, __mpLines[i])(function () {...})`. */
  private instrumentedCall(call: ts.CallExpression, target: Target): ts.CallExpression {
    const { f, tsi } = this;
    const callee = f.createParenthesizedExpression(
      this.runtimeCall(HOOKS.instrumented, [
        tsi.visitNode(call.expression, this.visit, tsi.isExpression)!,
        this.tableRef(this.emitter.tableIndex(target)),
      ]),
    );
    return f.updateCallExpression(call, callee, call.typeArguments, [this.profiledFunction(target, this.emitter.tableIndex(target))]);
  }

  /** `profile(function name() {...})` / `profile((x) => {...})`: the function gets a frame of its own. */
  private profiledFunction(target: Target, index: number): ts.Expression {
    const { f, tsi } = this;
    const fn = target.member as Wrapped;
    const modifiers = tsi.visitNodes(fn.modifiers, this.visit, tsi.isModifierLike) as ts.NodeArray<ts.Modifier> | undefined;
    const { parameters, body } = this.profiledSignature(fn, index);
    return tsi.isFunctionExpression(fn)
      ? f.updateFunctionExpression(fn, modifiers, fn.asteriskToken, fn.name, fn.typeParameters, parameters, fn.type, body)
      : f.updateArrowFunction(fn, modifiers, fn.typeParameters, parameters, fn.type, fn.equalsGreaterThanToken, body);
  }

  /**
   * `/** @profile *\/ function f(a, b = 1) {...}` becomes two hoisted declarations, so calls before the
   * declaration still work: `function f(p0) { return __mp.__function(table, __mp_f, this, arguments,
   * new.target); }` keeps the name, the `length` (simple parameters up to the first default or rest,
   * so no default is evaluated twice) and the modifiers; `function __mp_f(a, b = 1) {...}` is the
   * instrumented body.
   */
  private profiledDeclaration(target: Target, index: number): ts.Statement[] {
    const { f, tsi } = this;
    const fn = target.member as ts.FunctionDeclaration;
    const impl = f.createUniqueName(`__mp_${fn.name!.text}`);
    const async = fn.modifiers?.filter((m) => m.kind === tsi.SyntaxKind.AsyncKeyword) as ts.Modifier[] | undefined;
    const { parameters, body } = this.profiledSignature(fn, index);
    const implementation = f.createFunctionDeclaration(
      async?.length ? async : undefined,
      fn.asteriskToken,
      impl,
      fn.typeParameters,
      parameters,
      fn.type,
      body,
    );
    const real = fn.parameters.filter((p) => !(tsi.isIdentifier(p.name) && p.name.text === 'this'));
    const length = real.findIndex((p) => p.initializer !== undefined || p.dotDotDotToken !== undefined);
    const wrapperParameters = real
      .slice(0, length < 0 ? real.length : length)
      .map(() => f.createParameterDeclaration(undefined, undefined, f.createUniqueName('p')));
    const call = this.runtimeCall(HOOKS.function, [
      this.tableRef(index),
      impl,
      f.createThis(),
      f.createIdentifier('arguments'),
      f.createMetaProperty(tsi.SyntaxKind.NewKeyword, f.createIdentifier('target')),
    ]);
    const modifiers = fn.modifiers?.filter((m) => m.kind !== tsi.SyntaxKind.AsyncKeyword) as ts.Modifier[] | undefined;
    const wrapper = f.updateFunctionDeclaration(
      fn,
      modifiers,
      undefined,
      fn.name,
      undefined,
      wrapperParameters,
      undefined,
      f.createBlock([f.createReturnStatement(call)], true),
    );
    return [wrapper, implementation];
  }

  /**
   * What a profiled member, function or declaration becomes, but for the node's own update: its
   * parameters, visited with the enclosing frame (they run before the body takes its own), and its
   * body with a frame of its own.
   */
  private profiledSignature(
    fn: Member | Wrapped | ts.FunctionDeclaration,
    index: number,
  ): { parameters: ts.NodeArray<ts.ParameterDeclaration>; body: ts.Block } {
    const parameters = this.tsi.visitNodes(fn.parameters, this.visit, this.tsi.isParameter);
    return { parameters, body: this.profiledBody(fn, index) };
  }

  /**
   * `const __mpFrame = __mp.__enter(__mpLines[i]);` first, then the probed statements inside
   * `try { ... } finally { __mp.__leave(__mpFrame) }`: the body opens and ends its call itself (an
   * async or generator one when it completes, not when it hands back its promise or generator). A
   * concise arrow body becomes `return expr`.
   */
  private profiledBody(fn: Member | Wrapped | ts.FunctionDeclaration, index: number): ts.Block {
    const { f, tsi } = this;
    const outer = this.frame;
    const frame = f.createUniqueName('__mpFrame');
    this.frame = frame;
    try {
      return this.inFunction(() => {
        if (isGenerator(fn)) this.yieldFrame = frame;
        const original = fn.body!;
        let prologue: ts.Statement[] = [];
        let probed: ts.Statement[];
        if (tsi.isBlock(original)) {
          const [directives, statements] = this.splitPrologue(original.statements);
          prologue = directives;
          probed = this.statements(statements);
        } else {
          probed = this.mapped(
            [
              ...this.probeStatement(this.lineAt(original)),
              f.createReturnStatement(tsi.visitNode(original, this.visit, tsi.isExpression)!),
            ],
            original,
          );
        }
        // Source-mapped to the body's braces, so coverage tools see the body's blocks where they are.
        const enter = this.mapped(this.constant(frame, this.runtimeCall(HOOKS.enter, [this.tableRef(index)])), opening(original));
        const leave = this.mapped(
          f.createBlock([this.mapped(f.createExpressionStatement(this.runtimeCall(HOOKS.leave, [frame])), closing(original))], true),
          closing(original),
        );
        const statements = [
          ...prologue,
          enter,
          this.mapped(f.createTryStatement(this.mapped(f.createBlock(probed, true), original), undefined, leave), original),
        ];
        return tsi.isBlock(original) ? this.block(original, statements) : this.mapped(f.createBlock(statements, true), original);
      });
    } finally {
      this.frame = outer;
    }
  }

  // ---- functions written inside a profiled method ------------------------------------------------

  private visitFunction(fn: FunctionWithBody): ts.Node {
    const { f, tsi } = this;
    const modifiers = tsi.visitNodes(fn.modifiers, this.visit, tsi.isModifierLike);
    const parameters = tsi.visitNodes(fn.parameters, this.visit, tsi.isParameter);
    // Async and generator bodies suspend: handing the line back at their end would land in another
    // turn. Constructors keep `super()` at the top level of their body.
    const handsBack = !isAsync(tsi, fn) && !isGenerator(fn) && !tsi.isConstructorDeclaration(fn);
    const body = this.inFunction((): ts.ConciseBody => {
      const original = fn.body!;
      if (tsi.isBlock(original)) {
        const [prologue, statements] = this.splitPrologue(original.statements);
        const probed = this.statements(statements);
        return this.block(original, [...prologue, ...(handsBack ? this.handBack(probed, original) : probed)]);
      }
      const expression = tsi.visitNode(original, this.visit, tsi.isExpression)!;
      const probed = this.probed(this.lineAt(original), expression);
      return handsBack
        ? this.mapped(f.createBlock(this.handBack([this.mapped(f.createReturnStatement(probed), original)], original), true), original)
        : this.mapped(f.createParenthesizedExpression(probed), original);
    });
    switch (fn.kind) {
      case tsi.SyntaxKind.FunctionDeclaration:
        return f.updateFunctionDeclaration(
          fn,
          modifiers,
          fn.asteriskToken,
          fn.name,
          fn.typeParameters,
          parameters,
          fn.type,
          body as ts.Block,
        );
      case tsi.SyntaxKind.FunctionExpression:
        return f.updateFunctionExpression(
          fn,
          modifiers as ts.NodeArray<ts.Modifier> | undefined,
          fn.asteriskToken,
          fn.name,
          fn.typeParameters,
          parameters,
          fn.type,
          body as ts.Block,
        );
      case tsi.SyntaxKind.ArrowFunction:
        return f.updateArrowFunction(
          fn,
          modifiers as ts.NodeArray<ts.Modifier> | undefined,
          fn.typeParameters,
          parameters,
          fn.type,
          fn.equalsGreaterThanToken,
          body,
        );
      case tsi.SyntaxKind.MethodDeclaration: {
        const name = tsi.visitNode(fn.name, this.visit, tsi.isPropertyName)!;
        return f.updateMethodDeclaration(
          fn,
          modifiers,
          fn.asteriskToken,
          name,
          fn.questionToken,
          fn.typeParameters,
          parameters,
          fn.type,
          body as ts.Block,
        );
      }
      case tsi.SyntaxKind.GetAccessor: {
        const name = tsi.visitNode(fn.name, this.visit, tsi.isPropertyName)!;
        return f.updateGetAccessorDeclaration(fn, modifiers, name, parameters, fn.type, body as ts.Block);
      }
      case tsi.SyntaxKind.SetAccessor: {
        const name = tsi.visitNode(fn.name, this.visit, tsi.isPropertyName)!;
        return f.updateSetAccessorDeclaration(fn, modifiers, name, parameters, body as ts.Block);
      }
      default:
        return f.updateConstructorDeclaration(
          fn as ts.ConstructorDeclaration,
          modifiers as ts.NodeArray<ts.Modifier> | undefined,
          parameters,
          body as ts.Block,
        );
    }
  }

  /** `const c = frame.save(); try { ...statements } finally { frame.restore(c); }` */
  private handBack(statements: ts.Statement[], body: ts.Node): ts.Statement[] {
    const f = this.f;
    const caller = f.createUniqueName('__mpCaller');
    const frame = this.frame!;
    const restore = f.createExpressionStatement(
      f.createCallExpression(f.createPropertyAccessExpression(frame, FRAME_METHODS.restore), undefined, [caller]),
    );
    return [
      this.mapped(
        this.constant(caller, f.createCallExpression(f.createPropertyAccessExpression(frame, FRAME_METHODS.save), undefined, [])),
        opening(body),
      ),
      this.mapped(
        f.createTryStatement(
          this.mapped(f.createBlock(statements, true), body),
          undefined,
          this.mapped(f.createBlock([this.mapped(restore, closing(body))], false), closing(body)),
        ),
        body,
      ),
    ];
  }

  /** `yield __mp.__yielding(frame, x)`: the frame stops recording while the consumer has `x`. */
  private markedYield(node: ts.YieldExpression, frame: ts.Identifier): ts.YieldExpression {
    const value = node.expression ? this.tsi.visitNode(node.expression, this.visit, this.tsi.isExpression)! : this.f.createVoidZero();
    return this.f.updateYieldExpression(node, undefined, this.runtimeCall(HOOKS.yielding, [frame, value]));
  }

  /** Loops, labels and a generator's `yield` do not reach into a nested function. */
  private inFunction<T>(work: () => T): T {
    const { loops, labels, yieldFrame } = this;
    this.loops = [];
    this.labels = [];
    this.yieldFrame = undefined;
    try {
      return work();
    } finally {
      this.loops = loops;
      this.labels = labels;
      this.yieldFrame = yieldFrame;
    }
  }

  private splitPrologue(statements: ts.NodeArray<ts.Statement>): [ts.Statement[], ts.Statement[]] {
    let i = 0;
    const tsi = this.tsi;
    const isDirective = (s: ts.Statement) => tsi.isExpressionStatement(s) && tsi.isStringLiteral(s.expression);
    while (i < statements.length && isDirective(statements[i])) i++;
    return [statements.slice(0, i), statements.slice(i)];
  }

  // ---- statements --------------------------------------------------------------------------------

  statements(statements: readonly ts.Statement[]): ts.Statement[] {
    return statements.flatMap((s) => this.statement(s));
  }

  /**
   * A statement with its probes, by its charging rule: probes first, the (updated) statement last.
   * What the transformer made up is source-mapped to the statement, so that coverage tools (c8, V8's
   * block coverage read through the source map) find the statement's blocks where they are written.
   */
  statement(s: ts.Statement): ts.Statement[] {
    const result = (this.rules.get(s.kind) ?? ownLine)(s, this);
    if (s.pos >= 0) for (const made of result) if (made.pos < 0) this.mapped(made, s);
    return result;
  }

  own(s: ts.Statement): { line: number | undefined; labels: string[] } {
    const labels = this.labels;
    this.labels = [];
    return { line: this.lineAt(s), labels };
  }

  visited<T extends ts.Node>(node: T | undefined): T | undefined {
    return node && (this.tsi.visitNode(node, this.visit) as T | undefined);
  }

  expression(node: ts.Expression): ts.Expression {
    return this.tsi.visitNode(node, this.visit, this.tsi.isExpression)!;
  }

  functionDeclaration(s: ts.FunctionDeclaration): ts.Statement[] {
    const target = this.targets.get(s);
    if (target?.tag) return this.profiledDeclaration(target, this.emitter.tableIndex(target));
    return s.body ? [this.visitFunction(s) as ts.Statement] : [s];
  }

  withLabels(labels: string[], inner: ts.Statement): ts.Statement[] {
    this.labels = labels;
    const result = this.statement(inner);
    this.labels = [];
    return result;
  }

  loopBody(body: ts.Statement, labels: string[], line: number | undefined, stepsAtContinue: boolean): ts.Block {
    this.loops.push({ labels, line, stepsAtContinue });
    try {
      return this.embedded(body);
    } finally {
      this.loops.pop();
    }
  }

  continueTarget(s: ts.ContinueStatement): Loop | undefined {
    if (!s.label) return this.loops[this.loops.length - 1];
    const label = s.label.text;
    for (let i = this.loops.length - 1; i >= 0; i--) if (this.loops[i].labels.includes(label)) return this.loops[i];
    return undefined;
  }

  /** The body of an if/loop as a block, so probes have a place to go. */
  embedded(s: ts.Statement): ts.Block {
    const result = this.statement(s);
    return result.length === 1 && this.tsi.isBlock(result[0]) ? result[0] : this.mapped(this.f.createBlock(result, true), s);
  }

  /**
   * Source-maps what the transformer made up to the original code it stands for (positions only:
   * no comments move), so that V8's coverage ranges, read back through the source map, start and end
   * where the written code does.
   */
  mapped<T extends ts.Node | readonly ts.Node[]>(made: T, original: ts.Node | ts.TextRange): T {
    const at = 'kind' in original ? this.tsi.getOriginalNode(original) : original;
    if (at.pos < 0) return made;
    const range = 'kind' in at ? { pos: at.getStart(this.file), end: at.end } : at;
    for (const node of Array.isArray(made) ? made : [made]) {
      if (node.pos >= 0 || this.tsi.getSourceMapRange(node).pos >= 0) continue;
      this.tsi.setSourceMapRange(node, range);
      if (this.tsi.isBlock(node)) {
        this.tsi.setTokenSourceMapRange(node, this.tsi.SyntaxKind.OpenBraceToken, { pos: range.pos, end: range.pos + 1 });
        this.tsi.setTokenSourceMapRange(node, this.tsi.SyntaxKind.CloseBraceToken, {
          pos: Math.max(range.end - 1, range.pos),
          end: range.end,
        });
      }
    }
    return made;
  }

  /**
   * An original block with new statements. The statements keep the original list's range, as
   * TypeScript's own visitors keep it, so the closing brace is source-mapped to the written one.
   */
  block(original: ts.Block, statements: readonly ts.Statement[]): ts.Block {
    return this.f.updateBlock(original, this.tsi.setTextRange(this.f.createNodeArray(statements), original.statements));
  }

  // ---- probes ------------------------------------------------------------------------------------

  private lineAtPosition(position: number): number {
    return lineOf(this.file, position);
  }

  /** The first line of an original node; undefined for a node another transformer made up. */
  lineAt(node: ts.Node): number | undefined {
    const original = node.pos >= 0 ? node : this.tsi.getOriginalNode(node);
    return original.pos >= 0 ? this.lineAtPosition(original.getStart(this.file)) : undefined;
  }

  /**
   * `__mp.__line(frame, n)`. Not `frame.line(n)`: loading the runtime into a temporary register also
   * overwrites the temporaries the previous statement left in the interpreter's frame, which the GC
   * counts as live; otherwise in 'exact' mode `b = null` would show its drop only a line later.
   */
  probe(line: number | undefined): ts.Expression {
    if (line === undefined) return this.f.createVoidZero();
    return this.runtimeCall(HOOKS.line, [this.frame!, this.f.createNumericLiteral(line)]);
  }

  probeStatement(line: number | undefined): ts.Statement[] {
    return line === undefined ? [] : [this.f.createExpressionStatement(this.probe(line))];
  }

  /** `(__mp.__line(frame, n), expression)` */
  probed(line: number | undefined, expression: ts.Expression): ts.Expression {
    if (line === undefined) return expression;
    return this.mapped(
      this.f.createParenthesizedExpression(
        this.mapped(this.f.createComma(this.mapped(this.probe(line), expression), expression), expression),
      ),
      expression,
    );
  }
}

function isFunctionWithBody(tsi: typeof ts, node: ts.Node): node is FunctionWithBody {
  return (
    (tsi.isFunctionDeclaration(node) ||
      tsi.isFunctionExpression(node) ||
      tsi.isArrowFunction(node) ||
      tsi.isMethodDeclaration(node) ||
      tsi.isGetAccessorDeclaration(node) ||
      tsi.isSetAccessorDeclaration(node) ||
      tsi.isConstructorDeclaration(node)) &&
    node.body !== undefined
  );
}
