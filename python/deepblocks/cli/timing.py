"""Timing for ``deepblocks bench``, ``timeit``-style: a warm-up, loops sized to run for a
while, several repeats, the best and the median time per call.

This file imports nothing but the standard library: ``bench_gluon.py`` runs it in other
interpreters (a venv with MXNet, say) that may not have deepblocks.

>>> best, median = measure(lambda: sum(range(100)), repeat=3, min_loop=0.01)
>>> 0 < best <= median
True
>>> fmt_time(2.5e-7), fmt_time(3.2e-5), fmt_time(0.0125), fmt_time(1.5)
('250 ns', '32.00 us', '12.50 ms', '1.500 s')
"""

import statistics
import timeit

__all__ = ["measure", "measure_group", "fmt_time"]


def measure(fn, repeat=7, min_loop=0.2, warmup=2):
    """Best and median seconds per call of ``fn()``."""
    return measure_group({"f": fn}, repeat, min_loop, warmup)["f"]


def measure_group(fns, repeat=7, min_loop=0.2, warmup=2):
    """Best and median seconds per call of each callable in ``fns`` (a dict).

    Each loop runs for about ``min_loop`` seconds. The repeats are interleaved (one loop of
    every callable, in rotating order, per repeat), so a change in background load during
    the run hits all libraries alike.
    """
    timers, numbers = {}, {}
    for name, fn in fns.items():
        for _ in range(warmup):
            fn()
        timers[name] = t = timeit.Timer(fn)
        number, total = t.autorange()  # a loop count that takes >= 0.2 s
        numbers[name] = max(1, int(number * min_loop / max(total, 1e-9))) if number > 1 else 1
    runs = {name: [] for name in fns}
    order = list(fns)
    for r in range(repeat):
        for name in order[r % len(order):] + order[:r % len(order)]:
            runs[name].append(timers[name].timeit(numbers[name]) / numbers[name])
    return {name: (min(v), statistics.median(v)) for name, v in runs.items()}


def fmt_time(s):
    """Seconds as ns, us, ms or s; ``-`` for None."""
    if s is None:
        return "-"
    if s < 1e-6:
        return f"{s * 1e9:.0f} ns"
    if s < 1e-3:
        return f"{s * 1e6:.2f} us"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.3f} s"


def measure_library(lib, repeat, only, inputs, torch_items, gluon_items, makers=False):
    """``{"version": ..., item: [best, median] seconds per call}`` for library ``lib``
    ('deepblocks', 'torch' or 'mxnet'), or None when it cannot be imported: the shared driver
    of the benchmark scripts. ``inputs()`` makes the data; ``torch_items(torch, data)`` and
    ``gluon_items(mx, data, sync)`` the items, callables to time, or (``makers``) functions
    that build one, so that only the items asked for are built."""
    try:
        mod = __import__(lib)
    except Exception:
        return None
    d = inputs()
    if lib == "torch":
        items = torch_items(mod, d)
    elif lib == "mxnet":
        def sync(out):
            # MXNet queues work asynchronously: wait for it, or for everything (None).
            if out is None:
                mod.npx.waitall()
            else:
                out.wait_to_read()
        items = gluon_items(mod, d, sync)
    else:
        items = gluon_items(mod, d, lambda out: out)
    result = {"version": mod.__version__}
    for item, fn in items.items():
        if only is None or item in only:
            result[item] = list(measure_group({item: fn() if makers else fn}, repeat=repeat)[item])
    return result

