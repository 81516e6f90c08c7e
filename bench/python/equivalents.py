"""The Python equivalents of bench/accuracy.js's statements, for memory_profiler 0.61.

    /usr/bin/python3 bench/python/equivalents.py NAME measure DATA_FILE
        one JSON line: {"bytes": what the statement retains, by tracemalloc (temporaries are gone
        by the time it returns: CPython frees by reference counting), "peak": the most it held at
        once above its start}
    /usr/bin/python3 bench/python/equivalents.py NAME profile DATA_FILE CALLS
        one JSON line: a list, one entry per call, of {mark: memory_profiler's Increment in bytes}
        for the marked lines (`# measured`, or the seed's `# gen` and `# list`)

Each statement is the closest Python to the TypeScript one: a list for an array, a dict for a Map,
a bytearray for a Buffer, array('d') for a Float64Array. The seed's function is the seed's own.
The loops are written without Python code run per element (list(range()), map over builtins): at
every line event of the profiled function *and of the code nested in it* (comprehensions, generator
expressions, lambdas), memory_profiler reads the RSS, so `for i in range(10**6): xs.append(i)` took
~150 s a call on the shared machine these ran on (the seed's two lines, which are comprehensions,
are run at a limit of 1e4, once per process).
"""
import array
from itertools import repeat
import io
import json
import sys
import tracemalloc

from memory_profiler import profile

# The seed's limit here: at 1e5 one call of the seed under memory_profiler took two minutes on the
# loaded machine (it reads the RSS at each of the comprehensions' 2e5 line events).
SEED_LIMIT = 10**4
NAME, MODE, PATH = sys.argv[1], sys.argv[2], sys.argv[3]
# About 5 MB of JSON, the same text as the TypeScript side's, made before any call (only for parse).
TEXT = json.dumps([{'id': i, 'name': 'item %d' % i, 'tags': ['a', 'b'], 'score': i / 7}
                   for i in range(52000)]) if NAME == 'json' else ''


def numbers():
    xs = list(range(10**6))  # measured
    return xs


def objects():
    # [{'a': 0}, {'a': 1}, ...]: dict.fromkeys('a', i) is {'a': i}
    os = list(map(dict.fromkeys, repeat('a', 10**5), range(10**5)))  # measured
    return os


def mapping():
    m = dict(zip(map('key{}'.format, range(10**5)), range(10**5)))  # measured
    return m


def buffer():
    buf = bytearray(10**7)  # measured
    return buf


def parse():
    data = json.loads(TEXT)  # measured
    return data


def float64():
    f = array.array('d', bytes(8 * 10**6))  # measured
    return f


def join():
    # an 8 MB temporary list of 1e6 references, as the TypeScript's array, then a 1 MB string
    s = ''.join(['a'] * 10**6)  # measured
    return s


def readfile():
    with open(PATH, 'rb') as fh: file = fh.read()  # measured
    return file


def seed(limit):
    THE_LIMIT = limit
    PP = sum(x * x for x in range(THE_LIMIT))  # gen
    a = 1
    NN = sum([x * x for x in range(THE_LIMIT)])  # list
    b = 1
    return PP - NN + a - b


FUNCTIONS = {'numbers': numbers, 'objects': objects, 'map': mapping, 'buffer': buffer, 'json': parse,
             'float64': float64, 'join': join, 'readfile': readfile, 'seed': seed}


def measure():
    """tracemalloc's count: retained after the call, and the peak above the start while it ran."""
    keep = None
    tracemalloc.start()
    if NAME == 'seed':
        # The seed's lines retain nothing; what each needs at once is its peak above its start.
        out = {}
        for mark, line in (('gen', lambda: sum(x * x for x in range(SEED_LIMIT))),
                           ('list', lambda: sum([x * x for x in range(SEED_LIMIT)]))):
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            line()
            now, peak = tracemalloc.get_traced_memory()
            out[mark] = {'bytes': now - before, 'peak': peak - before}
        print(json.dumps(out))
        return
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    keep = FUNCTIONS[NAME]()
    now, peak = tracemalloc.get_traced_memory()
    print(json.dumps({'bytes': now - before, 'peak': peak - before}))
    return keep


def run_profiled(calls):
    fn = FUNCTIONS[NAME]
    args = (SEED_LIMIT,) if NAME == 'seed' else ()
    rows = []
    keep = None
    for _ in range(calls):
        sink = io.StringIO()
        keep = None
        keep = profile(fn, stream=sink, precision=4)(*args)
        out = {}
        for row in sink.getvalue().splitlines():
            for mark in ('measured', 'gen', 'list'):
                if row.rstrip().endswith('# ' + mark):
                    # Line #, Mem usage, 'MiB', Increment, 'MiB', Occurrences, Line Contents
                    out[mark] = float(row.split()[3]) * 2**20
        rows.append(out)
    print(json.dumps(rows))
    return keep


if MODE == 'measure':
    measure()
else:
    run_profiled(int(sys.argv[4]))
