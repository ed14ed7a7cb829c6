"""Per-call overhead of the most used ``np`` calls and their legacy ``nd`` twins.

Small arrays (10 elements, 2x5 and 4x4), so the time is the front end's and the bindings',
not the kernels'. Each call is timed with ``timeit`` on a string statement (no wrapper
function in the way); the np and nd statements of an item alternate round by round and each
keeps its best round, so load on the machine hits both alike.

    python benches/percall.py                         # the deepblocks that `import` finds
    PYTHONPATH=python python benches/percall.py       # the source tree's (with _core built)
    python benches/percall.py --baseline /tmp/before_pkg   # before/after columns

``--baseline PATH`` names a directory holding an older ``deepblocks`` package; it runs in a
subprocess with ``PYTHONPATH=PATH``, alternating with a subprocess for the current package
(``--repeat`` times each), and the table shows both. The target (the front-end issue): nd
within 1.2x of np per call.
"""

import argparse
import json
import os
import subprocess
import sys
import timeit

# (label, np statement, nd statement); names from the namespace built in `_namespace`.
ITEMS = [
    ("array(list)", "np.array(L)", "nd.array(L)"),
    ("zeros", "np.zeros((10,))", "nd.zeros((10,))"),
    ("ones", "np.ones((10,))", "nd.ones((10,))"),
    ("arange", "np.arange(10)", "nd.arange(10)"),
    ("a + b", "x + x", "y + y"),
    ("a * b", "x * x", "y * y"),
    ("a - b", "x - x", "y - y"),
    ("a / b", "x / x", "y / y"),
    ("a > b", "x > x", "y > y"),
    ("a == b", "x == x", "y == y"),
    ("a + 1.0", "x + 1.0", "y + 1.0"),
    ("exp", "np.exp(x)", "nd.exp(y)"),
    ("maximum", "np.maximum(x, 0)", "nd.maximum(y, 0)"),
    ("a.sum()", "x.sum()", "y.sum()"),
    ("a.mean()", "x.mean()", "y.mean()"),
    ("a.max()", "x.max()", "y.max()"),
    ("a.argmax()", "x.argmax()", "y.argmax()"),
    ("sum(axis=1)", "np.sum(x2, axis=1)", "nd.sum(y2, axis=1)"),
    ("a.reshape", "x.reshape((2, 5))", "y.reshape((2, 5))"),
    ("a.T", "x2.T", "y2.T"),
    ("a[0]", "x[0]", "y[0]"),
    ("dot", "np.dot(m, m)", "nd.dot(n, n)"),
    ("a.astype", "x.astype('int32')", "y.astype('int32')"),
    ("a.asnumpy()", "x.asnumpy()", "y.asnumpy()"),
]


def _namespace():
    from deepblocks import nd, np

    L = [float(i) for i in range(10)]
    x, y = np.array(L), nd.array(L)
    return {
        "np": np, "nd": nd, "L": L, "x": x, "y": y,
        "x2": x.reshape((2, 5)), "y2": y.reshape((2, 5)),
        "m": np.ones((4, 4)), "n": nd.ones((4, 4)),
    }


def _best(timer, number, rounds):
    return min(timer.timeit(number) for _ in range(rounds)) / number * 1e6


def measure(rounds=7, budget=0.02):
    """{label: [np us, nd us]}: best of `rounds` alternating rounds of about `budget` s each."""
    ns = _namespace()
    out = {}
    for label, np_stmt, nd_stmt in ITEMS:
        timers = [timeit.Timer(np_stmt, globals=ns), timeit.Timer(nd_stmt, globals=ns)]
        n, _ = timers[0].autorange()
        number = max(1, int(n * budget / 0.2))
        best = [float("inf"), float("inf")]
        for _ in range(rounds):
            for i, t in enumerate(timers):
                best[i] = min(best[i], _best(t, number, 1))
        out[label] = best
    return out


def _run_worker(pythonpath, rounds):
    env = dict(os.environ, PYTHONPATH=pythonpath)
    r = subprocess.run([sys.executable, __file__, "--worker", "--rounds", str(rounds)], env=env,
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def _merge(runs):
    best = {}
    for run in runs:
        for label, (a, b) in run.items():
            p = best.setdefault(label, [float("inf"), float("inf")])
            p[0], p[1] = min(p[0], a), min(p[1], b)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", metavar="PATH", help="directory holding an older deepblocks package")
    ap.add_argument("--rounds", type=int, default=7, help="alternating rounds per item (default 7)")
    ap.add_argument("--repeat", type=int, default=3, help="with --baseline: runs of each package (default 3)")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(measure(args.rounds)))
        return

    import deepblocks

    where = os.path.dirname(os.path.dirname(os.path.abspath(deepblocks.__file__)))
    if not args.baseline:
        after = measure(args.rounds)
        print(f"deepblocks from {where}; best of {args.rounds} alternating rounds, us per call\n")
        print(f"{'call':<13} {'np us':>7} {'nd us':>7} {'nd/np':>6}")
        for label, _, _ in ITEMS:
            a, b = after[label]
            print(f"{label:<13} {a:7.2f} {b:7.2f} {b / a:6.2f}")
        return
    before_runs, after_runs = [], []
    for _ in range(args.repeat):  # alternate the packages, so drifting load hits both
        before_runs.append(_run_worker(args.baseline, args.rounds))
        after_runs.append(_run_worker(where, args.rounds))
    before, after = _merge(before_runs), _merge(after_runs)
    print(f"before: {args.baseline}\nafter:  {where}")
    print(f"best of {args.repeat} runs x {args.rounds} alternating rounds, us per call\n")
    head = f"{'call':<13} {'np before':>9} {'np after':>9} {'nd before':>9} {'nd after':>9} {'nd/np before':>12} {'nd/np after':>11}"
    print(head)
    print("-" * len(head))
    for label, _, _ in ITEMS:
        (nb, db), (na, da) = before[label], after[label]
        print(f"{label:<13} {nb:9.2f} {na:9.2f} {db:9.2f} {da:9.2f} {db / nb:12.2f} {da / na:11.2f}")


if __name__ == "__main__":
    main()
