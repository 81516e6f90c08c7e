/**
 * Build-time errors: tsc diagnostics with file, line and column for every misuse the compiler can see,
 * and no change at all to files that do not use @profile.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, occurrences, profileRun } from './helpers/compile';

const IMPORT = "import { profile } from 'ts-memory-profiler';\n";

const diagnose = (body: string, legacy = false) => compile(IMPORT + body, { legacy }).diagnostics;

const NOT_A_METHOD = 'error TS990001: ts-memory-profiler: @profile can only decorate a method or a get/set accessor, not';

test('@profile on a class is an error at the decorator', () => {
  assert.equal(diagnose('@profile\nclass A {}\n'), [`fixture.ts(2,1): ${NOT_A_METHOD} a class`]);
});

test('@profile on a property is an error', () => {
  assert.equal(diagnose('class A {\n  @profile\n  x = 1;\n}\n'), [`fixture.ts(3,3): ${NOT_A_METHOD} a property`]);
});

test("@profile on an 'accessor' field is an error", () => {
  assert.equal(diagnose('class A {\n  @profile accessor x = 1;\n}\n'), [`fixture.ts(3,3): ${NOT_A_METHOD} an 'accessor' field`]);
});

test('@profile on a parameter is an error (legacy decorators allow parameter decorators)', () => {
  assert.equal(diagnose('class A {\n  m(@profile x: number) { return x; }\n}\n', true), [`fixture.ts(3,5): ${NOT_A_METHOD} a parameter`]);
});

test('@profile on an overload signature asks for the implementation', () => {
  const found = diagnose('class A {\n  @profile\n  m(x: number): number;\n  m(x: any) { return x; }\n}\n');
  assert.ok(
    found.includes(
      'fixture.ts(3,3): error TS990002: ts-memory-profiler: @profile needs a method body: put it on the implementation, not on an overload signature',
    ),
    found.join('\n'),
  );
});

test('@profile twice on one member is an error at the second', () => {
  assert.equal(diagnose('class A {\n  @profile\n  @profile({ precision: 3 })\n  m() { return 1; }\n}\n'), [
    'fixture.ts(4,3): error TS990004: ts-memory-profiler: @profile is on this member already: one is enough (put its options on that one)',
  ]);
});

test('under experimentalDecorators, @profile on both halves of an accessor pair is refused by TypeScript, and by us once', () => {
  const found = diagnose('class A {\n  @profile\n  get x() { return 1; }\n  @profile\n  set x(v: number) {}\n}\n', true);
  assert.ok(
    found.some((d) => d.includes('TS990004')),
    found.join('\n'),
  );
});

test('@profile on an abstract method is an error', () => {
  const found = diagnose('abstract class A {\n  @profile\n  abstract m(): void;\n}\n');
  assert.ok(
    found.includes(
      'fixture.ts(3,3): error TS990002: ts-memory-profiler: @profile needs a method body: put it on the implementation, not on an abstract method',
    ),
    found.join('\n'),
  );
});

const BAD_OPTIONS: Array<[string, string]> = [
  ['precision: -1', "option 'precision' must be an integer from 0 to 10, got -1"],
  ['precision: 11', "option 'precision' must be an integer from 0 to 10, got 11"],
  ["precision: '4'", `option 'precision' must be an integer from 0 to 10, got "4"`],
  ['precision: 1.5', "option 'precision' must be an integer from 0 to 10, got 1.5"],
  ["format: 'xml'", `option 'format' must be 'text' or 'json', got "xml"`],
  ["enabled: 'yes'", `option 'enabled' must be true or false, got "yes"`],
  ['stream: 5', "option 'stream' must be an object with a write(text) method, got 5"],
  ['onReport: 1', "option 'onReport' must be a function, got 1"],
  ["backend: 'psutil'", `option 'backend' must be 'heap', 'rss' or 'exact', got "psutil"`],
];

for (const [option, message] of BAD_OPTIONS) {
  test(`a literal bad option is an error at its value: { ${option} }`, () => {
    const column = 14 + option.indexOf(':') + 2;
    assert.equal(diagnose(`class A {\n  @profile({ ${option} })\n  m() {}\n}\n`), [
      `fixture.ts(3,${column}): error TS990003: ts-memory-profiler: @profile ${message}`,
    ]);
  });
}

test('an unknown option is an error at its name, listing the options', () => {
  assert.equal(diagnose('class A {\n  @profile({ precison: 2 })\n  m() {}\n}\n'), [
    "fixture.ts(3,14): error TS990003: ts-memory-profiler: @profile unknown option 'precison' (the options are 'precision', 'stream', 'format', 'onReport', 'enabled', 'gc', 'backend', 'aggregate', 'pprof', 'peak')",
  ]);
});

test('two arguments are an error at the second', () => {
  assert.equal(diagnose('class A {\n  @profile({}, 2)\n  m() {}\n}\n'), [
    'fixture.ts(3,16): error TS990003: ts-memory-profiler: @profile(options) takes one argument, got 2',
  ]);
});

test('a literal that is not an object is an error', () => {
  assert.equal(diagnose('class A {\n  @profile(5 as any)\n  m() {}\n}\n'), [
    'fixture.ts(3,12): error TS990003: ts-memory-profiler: @profile options must be an object, got 5',
  ]);
});

test('through a renamed import and a namespace import too', () => {
  const renamed = compile(
    "import { profile as mem } from 'ts-memory-profiler';\nclass A {\n  @mem({ precision: 12 })\n  m() {}\n}\n",
  ).diagnostics;
  assert.equal(renamed, [
    "fixture.ts(3,21): error TS990003: ts-memory-profiler: @profile option 'precision' must be an integer from 0 to 10, got 12",
  ]);
  const namespaced = compile("import * as mp from 'ts-memory-profiler';\n@mp.profile\nclass A {}\n").diagnostics;
  assert.equal(namespaced, [`fixture.ts(2,1): ${NOT_A_METHOD} a class`]);
});

test('options that are not literals are left to the run-time check', () => {
  assert.equal(
    diagnose(
      'const opts = { precision: 2 };\nconst p = 3;\nclass A {\n  @profile(opts)\n  m() {}\n  @profile({ precision: p, ...opts })\n  n() {}\n}\n',
    ),
    [],
  );
});

const OTHER_DECORATORS = `function logged(value: any, _context: unknown) { return value; }
export class Plain {
  @logged
  work(x: number) {
    for (let i = 0; i < x; i++) if (i > 2) break;
    return x * 2;
  }
}
`;

test('a file that does not import profile is emitted exactly as plain tsc emits it', () => {
  assert.is(compile(OTHER_DECORATORS).js, compile(OTHER_DECORATORS, { transform: false }).js);
});

test('a file that imports profile but uses it on nothing is emitted exactly as plain tsc emits it', () => {
  const source = IMPORT + 'export const p = profile;\n' + OTHER_DECORATORS;
  assert.is(compile(source).js, compile(source, { transform: false }).js);
});

test('a type-only import of profile is not the decorator', () => {
  const source = "import type { profile } from 'ts-memory-profiler';\n" + OTHER_DECORATORS;
  assert.is(compile(source).js, compile(source, { transform: false }).js);
});

test('a correct @profile gives no diagnostic, in both decorator modes', () => {
  for (const legacy of [false, true]) {
    const source =
      IMPORT + 'export class A {\n  @profile({ precision: 3, format: "json", enabled: true, backend: "exact" })\n  m() { return 1; }\n}\n';
    assert.equal(compile(source, { legacy, check: true }).diagnostics, []);
  }
});

// `@(profile as any)`, `@profile!`: type-only wrappers around the import, which compile to `profile`.
const WRAPPED = [
  '@(profile as any)',
  '@profile!',
  '@(profile as any)({ precision: 2 })',
  '@(<any>profile)',
  '@(profile satisfies unknown as any)',
  '@(mp as any).profile',
  '@mp!.profile({ precision: 2 })',
];

test('@profile behind `as`, `!` or `satisfies` is the import: instrumented line by line, in both decorator modes', () => {
  for (const legacy of [false, true]) {
    for (const decorator of WRAPPED) {
      const source = `import { profile } from 'ts-memory-profiler';\nimport * as mp from 'ts-memory-profiler';\nclass A {\n  ${decorator}\n  m(n: number) {\n    const a = new Array(n).fill(1);\n    return a.length;\n  }\n}\nexport function main() { return new A().m(3); }\n`;
      const result = profileRun(source, { legacy });
      assert.is(result.value, 3, decorator);
      assert.equal(
        result.reports.map((r) => occurrences(r)),
        [
          [
            [4, 1],
            [6, 1],
            [7, 1],
          ],
        ],
        `${decorator} (${legacy ? 'legacy' : 'TC39'})`,
      );
    }
  }
});

test('options of a wrapped @profile are checked at build time like any other', () => {
  assert.equal(diagnose('class A {\n  @(profile as any)({ precision: 12 })\n  m() {}\n}\n'), [
    "fixture.ts(3,34): error TS990003: ts-memory-profiler: @profile option 'precision' must be an integer from 0 to 10, got 12",
  ]);
  assert.equal(diagnose('@profile!\nclass A {}\n'), [`fixture.ts(2,1): ${NOT_A_METHOD} a class`]);
});

test.run();
