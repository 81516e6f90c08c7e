/**
 * A deterministic driver of data-structure-typed's public API, run in a process of its own against one
 * build of the library (plain, or every method profiled): `node real-library-driver.js <build>/index.js
 * <out.json> <examples.json>`. It records, in order, every result, thrown error and side effect (callback calls,
 * console output), so two builds can be compared entry by entry, and counts the profiler's reports.
 *
 * Three parts: (1) each class's members as the prototype shows them (kind, name, length), (2) every
 * public method of every container called with a dozen argument shapes (keys present and missing,
 * callbacks, indices in and out of range, wrong types), the container's contents recorded after each
 * call, (3) seeded random sequences of operations per container, and the graph algorithms, (4) the
 * library's own examples (helpers/library-examples.ts), their console output recorded.
 */
import * as fs from 'fs';
import { configure } from 'ts-memory-profiler';
import { random } from './random';

/* eslint-disable @typescript-eslint/no-explicit-any -- the driver calls the API reflectively */
type Any = any;

const [, , entry, outFile, examplesFile] = process.argv;

// The library draws on Math.random (SkipList levels, uuidV4): the same seed in every build.
Math.random = random(7);
const rnd = random(20261124);
const int = (n: number) => Math.floor(rnd() * n);

/** Everything observed, in order. */
const log: unknown[] = [];

interface Counted {
  reports: number;
  /** Reports with more than one row that ran (the probes, not only the entry row). */
  multiRow: number;
  maxOccurrences: number;
}
const reports = new Map<string, Counted>();
configure({
  stream: { write: () => true },
  onReport(report) {
    const counted = reports.get(report.name) ?? { reports: 0, multiRow: 0, maxOccurrences: 0 };
    const ran = report.lines.filter((l) => l.occurrences > 0);
    counted.reports++;
    if (ran.length > 1) counted.multiRow++;
    for (const l of ran) counted.maxOccurrences = Math.max(counted.maxOccurrences, l.occurrences);
    reports.set(report.name, counted);
  },
});
console.log = (...args: unknown[]) => void log.push(['console.log', args.map((a) => ser(a))]);

/** A JSON-able picture of a value: library containers by their contents, cycles as references. */
function ser(value: unknown, depth = 0, seen = new Map<object, number>()): unknown {
  switch (typeof value) {
    case 'undefined':
      return '<undefined>';
    case 'number':
      return Object.is(value, -0) ? '<-0>' : Number.isFinite(value) ? value : `<${value}>`;
    case 'bigint':
      return `<${value}n>`;
    case 'symbol':
      return `<${String(value)}>`;
    case 'function':
      return `<function ${value.name}/${value.length}>`;
    case 'string':
    case 'boolean':
      return value;
  }
  if (value === null) return null;
  const object = value as Any;
  if (seen.has(object)) return `<ref ${seen.get(object)}>`;
  seen.set(object, seen.size);
  if (object instanceof Error) return { error: object.constructor.name, message: object.message };
  const name = object.constructor?.name ?? '<null prototype>';
  if (depth > 4) return `<${name}>`;
  if (Array.isArray(object)) return object.slice(0, 60).map((v) => ser(v, depth + 1, seen));
  if (typeof object[Symbol.iterator] === 'function') {
    const items: unknown[] = [];
    try {
      for (const item of object) {
        if (items.length === 60) break;
        items.push(ser(item, depth + 1, seen));
      }
    } catch (error) {
      items.push({ iterationThrew: ser(error) });
    }
    return { [name]: items };
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(object).slice(0, 20)) out[key] = ser(object[key], depth + 1, seen);
  return { [name]: out };
}

function rec(label: string, call: () => unknown): unknown {
  try {
    const value = call();
    log.push([label, ser(value)]);
    return value;
  } catch (error) {
    log.push([label, 'threw', ser(error)]);
    return undefined;
  }
}

/** A callback that records each call; `returns` decides its answer from the first argument. */
function callback(tag: string, returns: (first: Any, args: Any[]) => unknown): (...args: Any[]) => unknown {
  return function (this: unknown, ...args: Any[]) {
    log.push([tag, args.slice(0, 2).map((a) => ser(a, 3))]);
    return returns(args[0], args);
  };
}
const num = (v: Any): number => (typeof v === 'number' ? v : Array.isArray(v) ? num(v[0]) : typeof v === 'string' ? v.length : 0);
const predicate = () => callback('predicate', (first) => num(first) % 2 === 0);
const mapper = () =>
  callback('mapper', (first, args) =>
    Array.isArray(first) || (args.length > 2 && typeof args[1] !== 'number') ? [num(first) * 3, 'm'] : num(first) * 3,
  );
const comparator = () => callback('comparator', (a, args) => num(a) - num(args[1]));

const lib: Any = require(entry);

interface Kind {
  name: string;
  make(): Any;
  key: unknown;
  missing: unknown;
  value: unknown;
  many: unknown[];
}

const numbers = [5, 3, 8, 1, 9, 2];
const words = ['apple', 'app', 'apply', 'banana', 'band', 'bandana', 'can', 'cane'];
const entries = numbers.map((n) => [n, `v${n}`]);
const sorted = (kind: string, make: () => Any): Kind => ({
  name: kind,
  make,
  key: 4,
  missing: 42,
  value: 'x',
  many: [
    [11, 'a'],
    [12, 'b'],
  ],
});
const linear = (kind: string, make: () => Any): Kind => ({ name: kind, make, key: 7, missing: 42, value: 13, many: [21, 22, 23] });

function graph(cls: string): Any {
  const g = new lib[cls]();
  for (const k of ['A', 'B', 'C', 'D', 'E', 'F']) g.addVertex(k, k.toLowerCase());
  const edges: Array<[string, string, number]> = [
    ['A', 'B', 4],
    ['A', 'C', 2],
    ['B', 'C', 5],
    ['B', 'D', 10],
    ['C', 'E', 3],
    ['E', 'D', 4],
    ['D', 'F', 11],
    ['F', 'A', 1],
  ];
  for (const [a, b, w] of edges) g.addEdge(a, b, w);
  return g;
}

const KINDS: Kind[] = [
  linear('Heap', () => new lib.Heap(numbers)),
  linear('MaxHeap', () => new lib.MaxHeap(numbers)),
  linear('MinHeap', () => new lib.MinHeap(numbers)),
  linear('Heap(comparator)', () => new lib.Heap(numbers, { comparator: (a: number, b: number) => (a % 3) - (b % 3) || a - b })),
  linear('PriorityQueue', () => new lib.PriorityQueue(numbers, { comparator: (a: number, b: number) => b - a })),
  linear('MinPriorityQueue', () => new lib.MinPriorityQueue(numbers)),
  linear('MaxPriorityQueue', () => new lib.MaxPriorityQueue(numbers)),
  linear('FibonacciHeap', () => {
    const h = new lib.FibonacciHeap();
    for (const n of numbers) h.push(n);
    return h;
  }),
  linear('Deque', () => new lib.Deque(numbers, { bucketSize: 3 })),
  linear('Queue', () => new lib.Queue(numbers)),
  linear('LinkedListQueue', () => new lib.LinkedListQueue(numbers)),
  linear('Stack', () => new lib.Stack(numbers)),
  linear('SinglyLinkedList', () => new lib.SinglyLinkedList(numbers)),
  linear('DoublyLinkedList', () => new lib.DoublyLinkedList(numbers)),
  linear('DoublyLinkedList(maxLen)', () => new lib.DoublyLinkedList(numbers, { maxLen: 6 })),
  sorted('SkipList', () => new lib.SkipList(entries)),
  sorted('TreeMap', () => new lib.TreeMap(entries)),
  { ...sorted('TreeSet', () => new lib.TreeSet(numbers)), value: undefined, many: [11, 12] },
  sorted('TreeMultiMap', () => new lib.TreeMultiMap(entries.map(([k, v]) => [k, [v, `${v}'`]]))),
  { ...sorted('TreeMultiSet', () => new lib.TreeMultiSet([...numbers, 3, 3, 8])), value: 2, many: [11, 12, 3] },
  sorted('BinaryTree', () => new lib.BinaryTree(entries)),
  sorted('BinaryTree(recursive)', () => new lib.BinaryTree(entries, { iterationType: 'RECURSIVE', isMapMode: false })),
  sorted('BST', () => new lib.BST(entries)),
  sorted('BST(recursive)', () => new lib.BST(entries, { iterationType: 'RECURSIVE' })),
  sorted('AVLTree', () => new lib.AVLTree(entries)),
  sorted('RedBlackTree', () => new lib.RedBlackTree(entries)),
  sorted('RedBlackTree(statistic)', () => new lib.RedBlackTree(entries, { enableOrderStatistic: true })),
  sorted('HashMap', () => new lib.HashMap(entries)),
  sorted('LinkedHashMap', () => new lib.LinkedHashMap(entries)),
  { name: 'Trie', make: () => new lib.Trie(words), key: 'app', missing: 'zebra', value: 'ban', many: ['cat', 'catalog'] },
  {
    name: 'Trie(caseless)',
    make: () => new lib.Trie(['Hello', 'help'], { caseSensitive: false }),
    key: 'HEL',
    missing: 'x',
    value: 'he',
    many: ['HELP'],
  },
  { name: 'DirectedGraph', make: () => graph('DirectedGraph'), key: 'A', missing: 'Z', value: 'D', many: ['G', 'H'] },
  { name: 'UndirectedGraph', make: () => graph('UndirectedGraph'), key: 'A', missing: 'Z', value: 'D', many: ['G', 'H'] },
  {
    name: 'MapGraph',
    make: () => {
      const g = new lib.MapGraph([0, 0], [10, 10]);
      g.addVertex(new lib.MapVertex('A', 'a', 1, 2));
      g.addVertex('B', 'b');
      g.addVertex(new lib.MapVertex('C', 'c', 3, 4));
      g.addEdge('A', 'B', 3);
      g.addEdge(new lib.MapEdge('B', 'C', 2));
      return g;
    },
    key: 'A',
    missing: 'Z',
    value: 'B',
    many: [],
  },
  {
    name: 'Matrix',
    make: () =>
      new lib.Matrix([
        [2, 1, 0],
        [1, 3, 1],
        [0, 1, 4],
      ]),
    key: 0,
    missing: 7,
    value: 2,
    many: [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
  },
  // Nodes, vertices and edges: their accessors (setters included) and helpers.
  sorted('BinaryTreeNode', () => new lib.BinaryTreeNode(3, 'c')),
  sorted('BSTNode', () => new lib.BSTNode(3, 'c')),
  sorted('AVLTreeNode', () => new lib.AVLTreeNode(3, 'c')),
  sorted('RedBlackTreeNode', () => new lib.RedBlackTreeNode(3, 'c', 'RED')),
  linear('SinglyLinkedListNode', () => new lib.SinglyLinkedListNode(3)),
  linear('DoublyLinkedListNode', () => new lib.DoublyLinkedListNode(3)),
  sorted('SkipListNode', () => new lib.SkipListNode(3, 'c', 2)),
  linear('FibonacciHeapNode', () => new lib.FibonacciHeapNode(3)),
  { name: 'TrieNode', make: () => new lib.TrieNode('a'), key: 'b', missing: 'z', value: true, many: [] },
  {
    name: 'TreeNode',
    make: () => new lib.TreeNode('root', 1, [new lib.TreeNode('a', 2)]),
    key: 'k',
    missing: 'z',
    value: 5,
    many: [new lib.TreeNode('b', 3)],
  },
  { name: 'DirectedEdge', make: () => new lib.DirectedEdge('A', 'B', 2, 'ab'), key: 'A', missing: 'Z', value: 3, many: [] },
  { name: 'UndirectedEdge', make: () => new lib.UndirectedEdge('A', 'B', 2, 'ab'), key: 'A', missing: 'Z', value: 3, many: [] },
  { name: 'MapVertex', make: () => new lib.MapVertex('A', 'a', 1, 2), key: 'A', missing: 'Z', value: 3, many: [] },
  linear('SegmentTree', () => lib.SegmentTree.sum(numbers)),
  linear('SegmentTree(min)', () => lib.SegmentTree.min(numbers)),
  linear('BinaryIndexedTree', () => new lib.BinaryIndexedTree(numbers)),
];

/** The argument shapes every method is called with. */
function shapes(kind: Kind, other: unknown): Array<[string, () => unknown[]]> {
  return [
    ['()', () => []],
    ['(key)', () => [kind.key]],
    ['(missing)', () => [kind.missing]],
    ['(key, value)', () => [kind.key, kind.value]],
    ['(predicate)', () => [predicate()]],
    ['(mapper)', () => [mapper()]],
    ['(comparator)', () => [comparator()]],
    ['(0)', () => [0]],
    ['(-1)', () => [-1]],
    ['(1, 3)', () => [1, 3]],
    ['(many)', () => [kind.many]],
    ['(null)', () => [null]],
    ['(same kind)', () => [other]],
  ];
}

/** Public members along the prototype chain, below Object.prototype, sorted by name. */
function members(object: object): Map<string, PropertyDescriptor & { owner: string }> {
  const out = new Map<string, PropertyDescriptor & { owner: string }>();
  for (let proto = Object.getPrototypeOf(object); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key === 'constructor' || out.has(key)) continue;
      out.set(key, { ...Object.getOwnPropertyDescriptor(proto, key)!, owner: proto.constructor.name });
    }
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

// (1) The classes' shapes: what decorating must not change.
for (const name of Object.keys(lib).sort()) {
  const value = lib[name];
  if (typeof value !== 'function') continue;
  const shape: unknown[] = [name, value.name, value.length];
  for (const key of Object.getOwnPropertyNames(value).sort()) if (key !== 'prototype') shape.push(['static', key, ser(value[key], 3)]);
  for (const [key, d] of [...Object.entries(Object.getOwnPropertyDescriptors(value.prototype ?? {}))].sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    shape.push([
      key,
      typeof d.value === 'function'
        ? `${d.value.name}/${d.value.length}`
        : d.get || d.set
          ? `get:${d.get?.name} set:${d.set?.name}`
          : 'field',
      d.enumerable,
      d.configurable,
    ]);
  }
  log.push(['shape', shape]);
}

// (2) Every public method with every argument shape, on a fresh container per method.
for (const kind of KINDS) {
  const sample = kind.make();
  log.push(['kind', kind.name, ser(sample)]);
  // One other container of the kind for the methods that take one (merge, union, concat...).
  const other = kind.make();
  for (const [key, d] of members(sample)) {
    if (key.startsWith('_')) continue;
    if (d.get) rec(`${kind.name} get ${key}`, () => kind.make()[key]);
    if (d.set) {
      const target = kind.make();
      for (const value of [target[key], kind.key, kind.value, null])
        rec(`${kind.name} set ${key}`, () => ((target[key] = value), target[key]));
      log.push(['after', ser(target)]);
    }
    if (typeof d.value !== 'function') continue;
    const target = kind.make();
    for (const [shape, args] of shapes(kind, other)) rec(`${kind.name}.${key}${shape}`, () => target[key](...args()));
    log.push(['after', ser(target)]);
  }
}

// Every static method of every exported class, with the same argument shapes.
const neutral: Kind = { name: 'static', make: () => [3, 1, 2], key: 3, missing: 42, value: 'x', many: [1, 2, 3] };
for (const name of Object.keys(lib).sort()) {
  const cls = lib[name];
  if (typeof cls !== 'function' || !/^[A-Z]/.test(name)) continue;
  for (const key of Object.getOwnPropertyNames(cls).sort()) {
    if (typeof cls[key] !== 'function' || key === 'prototype') continue;
    for (const [shape, args] of shapes(neutral, [4, 5])) rec(`${name}.${key}${shape}`, () => cls[key](...args()));
  }
}

// Static factories and helpers, with meaningful arguments.
rec('Heap.heapify', () => lib.Heap.heapify([4, 1, 3], { comparator: (a: number, b: number) => a - b }));
rec('Heap.from', () => lib.Heap.from([4, 1, 3]));
rec('Matrix.identity', () => lib.Matrix.identity(3));
rec('Matrix.zeros', () => lib.Matrix.zeros(2, 3));
rec('Matrix.from', () =>
  lib.Matrix.from([
    [1, 2],
    [3, 4],
  ]),
);
rec(
  'Matrix.inverse',
  () =>
    new lib.Matrix([
      [4, 7],
      [2, 6],
    ]).inverse()?.data,
);
rec(
  'Matrix.multiply',
  () =>
    new lib.Matrix([
      [1, 2],
      [3, 4],
    ]).multiply(
      new lib.Matrix([
        [5, 6],
        [7, 8],
      ]),
    )?.data,
);
rec('Matrix.bad', () => new lib.Matrix([[1, 2]]).multiply(new lib.Matrix([[1, 2]])));
rec('DirectedGraph.fromKeys', () => lib.DirectedGraph.fromKeys(['x', 'y', 'z']));
rec('UndirectedGraph.fromEntries', () =>
  lib.UndirectedGraph.fromEntries([
    ['x', 1],
    ['y', 2],
  ]),
);
rec('SegmentTree.max', () => lib.SegmentTree.max(numbers).query(2, 6));
rec('TreeMap.createDefaultComparator', () => lib.TreeMap.createDefaultComparator()(new Date(1), new Date(2)));
rec('TreeSet.createDefaultComparator', () => lib.TreeSet.createDefaultComparator()(NaN, 1));
rec('Navigator', () => {
  const matrix = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const nav = new lib.Navigator({
    matrix,
    turning: { up: 'right', right: 'down', down: 'left', left: 'up' },
    onMove: callback('onMove', () => undefined),
    init: { cur: [0, 0], charDir: 'right', VISITED: 1 },
  });
  nav.start();
  return matrix;
});
rec('TreeNode', () => {
  const root = new lib.TreeNode('root', 1);
  root.addChildren([new lib.TreeNode('a', 2), new lib.TreeNode('b', 3, [new lib.TreeNode('c', 4)])]);
  return [root.getHeight(), root.children?.length];
});
for (const name of Object.keys(lib).sort()) {
  if (typeof lib[name] === 'function' && !/^[A-Z]/.test(name))
    for (const args of [[], [3], [-1, 0, 5], ['a', 'b']]) rec(`${name}(${args})`, () => lib[name](...args));
}

// (3) Seeded random operation sequences: each container through many small steps.
const OPS: Array<[string, (kind: Kind) => unknown[]]> = [
  ['add', () => [int(40)]],
  ['set', () => [int(40), `r${int(9)}`]],
  ['push', () => [int(40)]],
  ['unshift', () => [int(40)]],
  ['delete', () => [int(40)]],
  ['get', () => [int(40)]],
  ['has', () => [int(40)]],
  ['poll', () => []],
  ['pop', () => []],
  ['shift', () => []],
  ['peek', () => []],
  ['at', () => [int(12) - 2]],
  ['floor', () => [int(40)]],
  ['ceiling', () => [int(40)]],
  ['lower', () => [int(40)]],
  ['higher', () => [int(40)]],
  ['pollFirst', () => []],
  ['pollLast', () => []],
  ['rangeSearch', () => [[int(20), 20 + int(20)]]],
  ['getRank', () => [int(40)]],
  ['getByRank', () => [int(8)]],
  ['deleteAt', () => [int(8)]],
  ['addAt', () => [int(8), int(40)]],
  ['setAt', () => [int(8), int(40)]],
  ['count', () => [int(40)]],
  ['reverse', () => []],
  ['indexOf', () => [int(40)]],
  ['splice', () => [int(5), int(3), int(40)]],
];
for (const kind of KINDS) {
  if (/Graph|Matrix|Trie|Segment|Indexed|Node|Edge|Vertex/.test(kind.name)) continue;
  const target = kind.make();
  const ops = OPS.filter(([name]) => typeof target[name] === 'function');
  if (ops.length < 4) throw new Error(`${kind.name}: only ${ops.length} operations to draw from`);
  for (let step = 0; step < 80; step++) {
    const [name, args] = ops[int(ops.length)];
    rec(`${kind.name} #${step} ${name}`, () => target[name](...args(kind)));
    if (step % 20 === 19) log.push(['state', ser(target)]);
  }
  log.push(['final', ser(target), rec(`${kind.name} size`, () => target.size ?? target.length)]);
}
const trie = new lib.Trie();
for (let step = 0; step < 150; step++) {
  const word = Array.from({ length: 1 + int(5) }, () => 'abc'[int(3)]).join('');
  const op = ['add', 'delete', 'has', 'hasPrefix', 'getWords', 'hasPurePrefix'][int(6)];
  rec(`Trie #${step} ${op}(${word})`, () => trie[op](word));
}
rec('Trie final', () => [trie.size, trie.getLongestCommonPrefix(), trie.getHeight(), trie.getWords('', 50)]);

// Graph algorithms on seeded random graphs.
for (const cls of ['DirectedGraph', 'UndirectedGraph']) {
  for (let round = 0; round < 2; round++) {
    const g = new lib[cls]();
    const n = 7 + int(4);
    for (let v = 0; v < n; v++) g.addVertex(v);
    for (let e = 0; e < n * 2; e++) rec(`${cls} edge`, () => g.addEdge(int(n), int(n), 1 + int(9)));
    const [a, b] = [int(n), int(n)];
    rec(`${cls} dijkstra`, () => {
      const r = g.dijkstra(a, b, true, true);
      return r && { minDist: r.minDist, minPath: r.minPath, paths: r.paths.length };
    });
    rec(`${cls} dijkstraWithoutHeap`, () => {
      const r = g.dijkstraWithoutHeap(a, b, true, true);
      return r && { minDist: r.minDist, minPath: r.minPath };
    });
    rec(`${cls} bellmanFord`, () => {
      const r = g.bellmanFord(a, true, true, true);
      return r && { hasNegativeCycle: r.hasNegativeCycle, min: r.min, minPath: r.minPath };
    });
    rec(`${cls} floydWarshall`, () => g.floydWarshall().costs);
    rec(`${cls} getMinCostBetween`, () => [g.getMinCostBetween(a, b), g.getMinCostBetween(a, b, true)]);
    rec(`${cls} getMinPathBetween`, () => [g.getMinPathBetween(a, b), g.getMinPathBetween(a, b, true, true)]);
    rec(`${cls} getAllPathsBetween`, () => g.getAllPathsBetween(a, b, 20).length);
    rec(`${cls} getCycles`, () => g.getCycles().length);
    rec(`${cls} tarjan`, () => g.tarjan());
    rec(`${cls} topologicalSort`, () => g.topologicalSort?.());
    rec(`${cls} getSCCs`, () => g.getSCCs?.());
    rec(`${cls} bridges`, () => [g.getBridges?.(), g.getCutVertices?.(), g.hasCycle?.(), g.getBiconnectedComponents?.()]);
    rec(`${cls} toDot`, () => g.toDot());
    rec(`${cls} deleteVertex`, () => [g.deleteVertex(a), g.edgeSet().length, g.size]);
  }
}

// (4) The library's own examples, each in a scope of its own with the library's exports in it.
const prelude = `const { ${Object.keys(lib).join(', ')} } = lib;\n`;
for (const { where, js } of JSON.parse(fs.readFileSync(examplesFile, 'utf8')) as Array<{ where: string; js: string }>) {
  const exampleConsole = { log: (...args: unknown[]) => void log.push(['console.log in example', args.map((a) => ser(a))]) };
  rec(`example ${where}`, () => new Function('lib', 'console', prelude + js)(lib, exampleConsole));
}

fs.writeFileSync(outFile, JSON.stringify({ log, reports: Object.fromEntries([...reports].sort(([a], [b]) => (a < b ? -1 : 1))) }));
