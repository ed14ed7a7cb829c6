"""``deepblocks bench``: deepblocks against NumPy, and PyTorch and MXNet when importable.

Times the same work in each library and prints a table: the best time per call (the median
in parentheses), the ratios deepblocks / other (below 1: deepblocks is faster) and whether
each target of the performance budget (DESIGN.md §5) is met. The environment comes first
(CPU, load average, thread variables, NumPy's BLAS), since the figures depend on it.

- Array, autograd and optimizer items (``bench_items.py``) run in this process, the
  libraries taking turns within each repeat so that background load hits them alike.
- The Gluon, CNN and sequence-model items (``bench_gluon.py``, ``bench_cnn.py``,
  ``bench_rnn.py``) run in one process per library (its threads set by ``OMP_NUM_THREADS``,
  read by all three); MXNet 1.9.1 needs numpy < 1.24, so it usually lives in a venv of its
  own: ``--mxnet-python PATH`` names that venv's interpreter.
- ``import`` times ``import deepblocks`` (and numpy, torch, mxnet) in fresh interpreters.

By default a quick subset runs (about half a minute on 2 cores); ``--full`` runs every item
with 7 repeats and a per-call overhead breakdown; ``--only`` picks items.

>>> sorted(QUICK) == sorted(set(QUICK) & set(ALL_ITEMS))
True
"""

import os
import platform
import subprocess
import sys
import time

import numpy as onp

from . import bench_cnn, bench_gluon, bench_items, bench_rnn
from .timing import fmt_time, measure_group

__all__ = ["run", "add_arguments", "ALL_ITEMS", "QUICK"]

IMPORT_ITEM = ("import (fresh process)", {"abs": 0.2})
ALL_ITEMS = {**bench_items.ITEMS, **bench_gluon.ITEMS, **bench_cnn.ITEMS, **bench_rnn.ITEMS, "import": IMPORT_ITEM}
QUICK = ["add100", "add16M", "matmul1024", "mlp3", "mlp_forward", "train_step", "import"]
LIBRARIES = ["deepblocks", "numpy", "torch", "mxnet"]


def add_arguments(parser):
    """The command's options, on ``parser`` (an argparse parser)."""
    parser.add_argument("--full", action="store_true",
                        help="every item, 7 repeats, and the per-call overhead breakdown (about 1 to 2 minutes)")
    parser.add_argument("--only", nargs="+", choices=list(ALL_ITEMS), metavar="ITEM",
                        help="run only these items: " + ", ".join(ALL_ITEMS))
    parser.add_argument("--repeat", type=int, help="timing repeats per item (default 3, --full 7)")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out even when importable")
    parser.add_argument("--no-diag", action="store_true", help="with --full: skip the overhead breakdown")
    parser.add_argument("--mxnet-python", metavar="PATH",
                        help="the interpreter of a venv with mxnet 1.9.1 (default: this one, if it has mxnet)")


def run(args):
    """Runs the benchmark described by ``args`` (parsed ``add_arguments`` options); exit
    status 0, or 1 when deepblocks computed something NumPy does not agree with."""
    started = time.perf_counter()
    selected = args.only or (list(ALL_ITEMS) if args.full else QUICK)
    repeat = args.repeat or (7 if args.full else 3)
    quick = not args.full
    torch = None if args.no_torch else _try_import("torch")
    _print_environment(torch)

    results = []  # (name, {library: (best, median)})
    wrong = []
    rng = onp.random.default_rng(0)
    libs = ["deepblocks", "numpy"] + (["torch"] if torch is not None else [])
    for name in bench_items.ITEMS:
        if name not in selected:
            continue
        fns = bench_items.make(name, rng, torch)
        if not bench_items.check(name, fns):
            wrong.append(name)
        big = name not in ("add100", "chain100")
        min_loop = 0.05 if quick else (0.1 if big else 0.2)
        warmup = 1 if big or quick else 3
        results.append((name, measure_group({lib: fns[lib] for lib in libs}, repeat, min_loop, warmup)))
        del fns

    mxnet_python = args.mxnet_python or sys.executable
    for module in (bench_gluon, bench_cnn, bench_rnn):
        chosen = [name for name in module.ITEMS if name in selected]
        if not chosen:
            continue
        worker = lambda lib, python, required=False: _gluon_worker(lib, python, repeat, required, module, chosen)  # noqa: E731
        runs = {"deepblocks": worker("deepblocks", sys.executable)}
        if torch is not None:
            runs["torch"] = worker("torch", sys.executable)
        runs["mxnet"] = worker("mxnet", mxnet_python, required=bool(args.mxnet_python))
        for name in chosen:
            results.append((name, {lib: tuple(r[name]) for lib, r in runs.items() if r}))
        versions = {lib: r["version"] for lib, r in runs.items() if r}
        if "mxnet" in versions:
            print(f"mxnet       {versions['mxnet']} ({mxnet_python}), Gluon, CNN and RNN items only\n")

    if "import" in selected:
        runs_n = 3 if quick else 5
        times = {"deepblocks": _import_time("deepblocks", sys.executable, runs_n),
                 "numpy": _import_time("numpy", sys.executable, runs_n)}
        if torch is not None:
            times["torch"] = _import_time("torch", sys.executable, runs_n)
        if any("mxnet" in r for _, r in results) or args.mxnet_python:
            times["mxnet"] = _import_time("mxnet", mxnet_python, runs_n)
        results.append(("import", {lib: t for lib, t in times.items() if t is not None}))

    _print_table(results)
    for name in wrong:
        print(f"WRONG: {name}: deepblocks' result differs from NumPy's")
    if args.full and not args.no_diag and not args.only:
        _overhead_diag(torch)
    print(f"load average at the end {_loadavg()}; total time {time.perf_counter() - started:.1f} s")
    return 1 if wrong else 0


# ---- the table --------------------------------------------------------------------------------


def _print_table(results):
    present = [lib for lib in LIBRARIES if any(lib in times for _, times in results)]
    others = [lib for lib in present if lib != "deepblocks"]
    print("== best time per call (median in parentheses); ratio = deepblocks time / other time,")
    print("   below 1: deepblocks is faster")
    head = f"{'work':<44}" + "".join(f"{lib:>22}" for lib in present)
    head += "".join(f"{'db/' + lib:>10}" for lib in others) + "  target"
    print(head)
    print("-" * len(head))
    verdicts = []
    for name, times in results:
        label, targets = ALL_ITEMS[name]
        row = f"{label:<44}"
        for lib in present:
            t = times.get(lib)
            row += f"{'-' if t is None else f'{fmt_time(t[0])} ({fmt_time(t[1])})':>22}"
        db = times.get("deepblocks")
        ratios = {}
        for lib in others:
            o = times.get(lib)
            ratios[lib] = db[0] / o[0] if db and o else None
            row += f"{'-' if ratios[lib] is None else f'{ratios[lib]:.2f}':>10}"
        marks = []
        for key, limit in targets.items():
            if key == "abs":
                ok = db is not None and db[0] <= limit
                marks.append(f"<= {limit} s: {'met' if ok else 'MISSED'}")
            elif ratios.get(key) is None:
                ok = None
                marks.append(f"<= {limit}x {key}: n/a")
            else:
                ok = ratios[key] <= limit
                marks.append(f"<= {limit}x {key}: {'met' if ok else 'MISSED'}")
            verdicts.append(ok)
        print(row + "  " + ("; ".join(marks) if marks else "-"))
    met = sum(1 for v in verdicts if v)
    missed = sum(1 for v in verdicts if v is False)
    print(f"targets: {met} met, {missed} missed, {sum(1 for v in verdicts if v is None)} not measurable here")
    print()


# ---- measurements in other processes ----------------------------------------------------------


def _gluon_worker(lib, python, repeat, required=False, module=bench_gluon, only=None):
    """``module.measure(lib)`` (``bench_gluon``, ``bench_cnn`` or ``bench_rnn``) in a fresh
    ``python``, for the items ``only``; None when the library is missing
    (reported when ``required``) or the run failed (reported)."""
    env = dict(os.environ)
    if lib == "deepblocks":  # this deepblocks, even when it came from a path set in-process
        here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [here, env.get("PYTHONPATH")]))
    try:
        proc = subprocess.run([python, os.path.abspath(module.__file__), lib, str(repeat), ",".join(only or module.ITEMS)],
                              env=env, capture_output=True, text=True)
    except OSError as e:
        print(f"{lib}: cannot run {python}: {e}\n")
        return None
    if proc.returncode != 0:
        print(f"{lib}: the Gluon items failed in {python}:\n{proc.stderr[-2000:]}")
        return None
    result = _json_line(proc.stdout)
    if result is None and required:
        print(f"{lib}: not importable by {python}\n")
    return result


def _json_line(text):
    import json

    lines = text.strip().splitlines()
    return json.loads(lines[-1]) if lines else None


def _import_time(module, python, runs):
    """Best and median seconds of ``import module`` in fresh interpreters; None on failure."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = []
    for _ in range(runs):
        try:
            r = subprocess.run([python, "-c", code], capture_output=True, text=True)
        except OSError:
            return None
        if r.returncode != 0:
            return None
        times.append(float(r.stdout.strip().splitlines()[-1]))
    times.sort()
    return times[0], times[len(times) // 2]


# ---- environment ------------------------------------------------------------------------------


def _try_import(name):
    try:
        return __import__(name)
    except Exception:
        return None


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _loadavg():
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def _print_environment(torch):
    import deepblocks

    info = deepblocks._core.build_info()
    print("== environment")
    print(f"python      {sys.version.split()[0]} ({sys.executable})")
    print(f"cpu         {_cpu_model()}, {os.cpu_count()} logical cores")
    print(f"load avg    {_loadavg()}  (should be well below the core count)")
    print(f"deepblocks  {deepblocks.__version__} ({deepblocks.__path__[0]}), "
          f"simd {info.get('simd')}, threads {info.get('threads')}")
    print(f"numpy       {onp.__version__}")
    if torch is not None:
        print(f"torch       {torch.__version__}, threads {torch.get_num_threads()}")
    else:
        print("torch       not importable (or --no-torch): no PyTorch column")
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                "MKL_NUM_THREADS", "DEEPBLOCKS_NUM_THREADS"):
        if var in os.environ:
            print(f"  {var} = {os.environ[var]}")
    try:
        blas = onp.show_config(mode="dicts")["Build Dependencies"]["blas"]
        print(f"  numpy blas: {blas.get('name')} {blas.get('version')}")
    except Exception:
        pass
    print()


# ---- per-call overhead breakdown ----------------------------------------------------------------


def _overhead_diag(torch):
    """Times trivial calls to split per-call cost into binding overhead and kernel work."""
    from deepblocks import np as dnp

    print("== per-call overhead breakdown (best of 7, per call)")
    a, b = onp.ones(100, onp.float32), onp.ones(100, onp.float32)
    a1, b1, m = a[:1].copy(), b[:1].copy(), a.reshape(10, 10)
    da, db, d1a, d1b, dm = (dnp.array(x) for x in (a, b, a1, b1, m))
    rows = [  # label, deepblocks, numpy
        ("x.ndim (getter, returns an int)", lambda: da.ndim, lambda: a.ndim),
        ("x.shape (getter, builds a tuple)", lambda: da.shape, lambda: a.shape),
        ("x.T, 10x10 (new view object)", lambda: dm.T, lambda: m.T),
        ("x + y, 1 element", lambda: d1a + d1b, lambda: a1 + b1),
        ("x + y, 100 elements", lambda: da + db, lambda: a + b),
        ("x + 1.0 (scalar operand)", lambda: da + 1.0, lambda: a + 1.0),
    ]
    tfns = [None] * len(rows)
    if torch is not None:
        ta, tb, t1a, t1b, tm = (torch.from_numpy(x.copy()) for x in (a, b, a1, b1, m))
        tfns = [lambda: ta.ndim, lambda: ta.shape, lambda: tm.T, lambda: t1a + t1b,
                lambda: ta + tb, lambda: ta + 1.0]
    print(f"  {'call':<36}{'deepblocks':>12}{'numpy':>12}{'torch':>12}")
    for (label, fd, fn), ft in zip(rows, tfns):
        group = {"deepblocks": fd, "numpy": fn}
        if ft is not None:
            group["torch"] = ft
        r = measure_group(group, min_loop=0.05)
        cells = [fmt_time(r[k][0]) if k in r else "-" for k in ("deepblocks", "numpy", "torch")]
        print(f"  {label:<36}" + "".join(f"{c:>12}" for c in cells))
    print()
