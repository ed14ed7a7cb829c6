"""Side-by-side benchmark of deepblocks, NumPy and (if importable) PyTorch.

Runs the work items of DESIGN.md §5 (performance budget) in one process, prints a table of
times and of the ratios deepblocks/NumPy and deepblocks/PyTorch, and marks each target as
met or missed.

Usage::

    python benches/compare.py                 # everything (~1 min on 2 cores)
    python benches/compare.py --only add100 matmul1024
    python benches/compare.py --no-torch      # skip PyTorch even when importable
    python benches/compare.py --no-diag       # skip the per-call overhead breakdown

    # without the OPENBLAS_* tuning variables some machines set (they can slow NumPy's matmul)
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benches/compare.py

    # from a venv that has torch + numpy but not deepblocks installed: use the source tree
    # (the compiled extension python/deepblocks/_core*.so must have been built, e.g. by
    # `maturin develop --release`)
    PYTHONPATH=python /tmp/torchvenv/bin/python benches/compare.py

Needs only numpy and deepblocks; PyTorch is optional and never installed by CI. Timing
follows ``timeit``: a warm-up, then several repeats of a loop sized to run for a while, the
best per-call time is used for the ratios (the median is shown too). The machine should be
otherwise idle: the load average is printed at the start and the end of the run.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
import timeit

import numpy as onp

try:
    import deepblocks
    from deepblocks import np as dnp
except ImportError as e:  # pragma: no cover - a usage error, reported plainly
    sys.exit(f"cannot import deepblocks ({e}); install it or set PYTHONPATH=python")

torch = None


def _load_torch(enabled):
    global torch
    if not enabled:
        return
    try:
        import torch as _t
    except Exception:
        return
    torch = _t


# ---- timing ---------------------------------------------------------------------------------


def measure(fn, repeat=7, min_loop=0.2, warmup=2):
    """Best and median seconds per call of ``fn()`` (timeit-style autoranged loops)."""
    return measure_group({"f": fn}, repeat, min_loop, warmup)["f"]


def measure_group(fns, repeat=7, min_loop=0.2, warmup=2):
    """Best and median seconds per call of each callable in ``fns``.

    Repeats are interleaved (one loop of every library, in rotating order, per repeat) so
    that a change in background load during the run hits all libraries alike.
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
    if s is None:
        return "-"
    if s < 1e-6:
        return f"{s * 1e9:.0f} ns"
    if s < 1e-3:
        return f"{s * 1e6:.2f} us"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.3f} s"


# ---- environment ----------------------------------------------------------------------------


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def loadavg():
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def print_environment():
    print("== environment")
    print(f"python      {sys.version.split()[0]} ({sys.executable})")
    print(f"cpu         {cpu_model()}, {os.cpu_count()} logical cores")
    print(f"load avg    {loadavg()}  (should be well below the core count)")
    info = deepblocks._core.build_info()
    so = deepblocks._core.__file__
    built = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.path.getmtime(so)))
    print(f"deepblocks  {deepblocks.__version__} ({os.path.dirname(deepblocks.__file__)}), "
          f"simd {info.get('simd')}, threads {info.get('threads')}, _core built {built}")
    print(f"numpy       {onp.__version__}")
    if torch is not None:
        print(f"torch       {torch.__version__}, threads {torch.get_num_threads()}")
    else:
        print("torch       not importable (PyTorch columns skipped)")
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS",
                "OMP_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS"):
        print(f"  {var:<21}= {os.environ.get(var, '(unset)')}")
    try:
        from threadpoolctl import threadpool_info

        for p in threadpool_info():
            print(f"  threadpool: {p.get('internal_api')} {p.get('version')} "
                  f"arch={p.get('architecture')} threads={p.get('num_threads')} "
                  f"({os.path.basename(p.get('filepath', ''))})")
    except ImportError:
        try:
            blas = onp.show_config(mode="dicts")["Build Dependencies"]["blas"]
            print(f"  numpy blas: {blas.get('name')} {blas.get('version')} "
                  f"[{blas.get('openblas configuration', '')}] (threadpoolctl not installed)")
        except Exception:
            print("  numpy blas: unknown (threadpoolctl not installed)")
    print()


# ---- work items -----------------------------------------------------------------------------

# name -> (description, {target: ratio limit}) ; targets per DESIGN.md §5
ITEMS = {
    "add100": ("100-elem f32 add (a + b)", {"numpy": 1.5, "torch": 0.5}),
    "add16M": ("16M-elem f32 add (a + b)", {"numpy": 1.1}),
    "bcast_add": ("4096x4096 + 4096 f32 broadcast add", {}),
    "matmul1024": ("1024^3 f32 matmul (a @ b)", {"numpy": 1.1}),
    "matmul256": ("256^3 f32 matmul (a @ b)", {}),
    "sum16M": ("sum of 16M f32 (a.sum())", {}),
    "transpose_copy": ("4096x4096 f32 a.T.copy()", {}),
    "chain100": ("fwd+bwd, 100-op chain, 100 elems", {"torch": 0.5}),
    "mlp3": ("fwd+bwd MLP 784-256-256-10, b256", {"torch": 1.0}),
    "optimizer_sgd": ("SGD momentum step, 256x784 f32", {}),
    "optimizer_adam": ("Adam step, 256x784 f32", {}),
}


def setup(name, rng):
    """Returns {library: callable} for one work item (inputs created outside the timing)."""
    f32 = onp.float32
    if name in AUTOGRAD_ITEMS:
        return AUTOGRAD_ITEMS[name](rng)
    if name in OPTIMIZER_ITEMS:
        return optimizer_items(name, rng)
    if name == "add100":
        shapes = [(100,), (100,)]
    elif name == "add16M":
        shapes = [(16 * 1024 * 1024,)] * 2
    elif name == "bcast_add":
        shapes = [(4096, 4096), (4096,)]
    elif name == "matmul1024":
        shapes = [(1024, 1024)] * 2
    elif name == "matmul256":
        shapes = [(256, 256)] * 2
    elif name == "sum16M":
        shapes = [(16 * 1024 * 1024,)]
    elif name == "transpose_copy":
        shapes = [(4096, 4096)]
    else:
        raise KeyError(name)
    host = [rng.random(s, dtype=f32) for s in shapes]
    dev = [dnp.array(h) for h in host]
    assert all(d.dtype == onp.float32 for d in dev)
    tt = [torch.from_numpy(h.copy()) for h in host] if torch is not None else None

    if name.startswith("add") or name == "bcast_add":
        fns = {"deepblocks": lambda a=dev[0], b=dev[1]: a + b,
               "numpy": lambda a=host[0], b=host[1]: a + b}
        if tt:
            fns["torch"] = lambda a=tt[0], b=tt[1]: a + b
    elif name.startswith("matmul"):
        fns = {"deepblocks": lambda a=dev[0], b=dev[1]: a @ b,
               "numpy": lambda a=host[0], b=host[1]: a @ b}
        if tt:
            fns["torch"] = lambda a=tt[0], b=tt[1]: a @ b
    elif name == "sum16M":
        fns = {"deepblocks": lambda a=dev[0]: a.sum(),
               "numpy": lambda a=host[0]: a.sum()}
        if tt:
            fns["torch"] = lambda a=tt[0]: a.sum()
    elif name == "transpose_copy":
        fns = {"deepblocks": lambda a=dev[0]: a.T.copy(),
               "numpy": lambda a=host[0]: a.T.copy()}
        if tt:
            fns["torch"] = lambda a=tt[0]: a.t().contiguous()
    return fns


# ---- autograd work items: deepblocks and PyTorch record and differentiate; the NumPy column
# runs the same forward pass with a hand-written backward pass (no graph at all). Each
# callable returns the gradients, so `check` compares them.


def _chain(x, k, tanh, saved=None):
    """25 x (y * k, y + x, tanh(y), y * x) in any of the three libraries (the tanh outputs
    go to ``saved`` when given: the hand-written NumPy backward needs them)."""
    y = x
    for _ in range(25):
        y = tanh(y * k + x)
        if saved is not None:
            saved.append(y)
        y = y * x
    return y


def _chain_numpy(x, k):
    """``_chain`` then sum: forward and hand-written backward."""
    saved = []
    y = _chain(x, k, onp.tanh, saved)
    g, gx = onp.ones_like(y), onp.zeros_like(x)
    for t in reversed(saved):
        gx += g * t
        g = g * x
        g = g * (1 - t * t)
        gx += g
        g = g * k
    return gx + g


def chain_items(rng):
    from deepblocks import autograd, np as dnp

    host = rng.random(100, dtype=onp.float32) * 0.5
    k = 1.001
    x = dnp.array(host)
    x.attach_grad()

    def run_db():
        with autograd.record():
            s = _chain(x, k, dnp.tanh).sum()
        s.backward()
        return x.grad

    fns = {"deepblocks": run_db, "numpy": lambda: _chain_numpy(host, onp.float32(k))}
    if torch is not None:
        tx = torch.from_numpy(host.copy()).requires_grad_()

        def run_torch():
            tx.grad = None
            _chain(tx, k, torch.tanh).sum().backward()
            return tx.grad

        fns["torch"] = run_torch
    return fns


def _mlp_numpy(X, labels, params):
    """Forward (ReLU MLP, mean softmax cross-entropy) and hand-written backward."""
    (W1, b1), (W2, b2), (W3, b3) = params
    z1 = X @ W1 + b1
    h1 = onp.maximum(z1, 0)
    z2 = h1 @ W2 + b2
    h2 = onp.maximum(z2, 0)
    out = h2 @ W3 + b3
    shifted = out - out.max(axis=1, keepdims=True)
    e = onp.exp(shifted)
    p = e / e.sum(axis=1, keepdims=True)
    n = X.shape[0]
    d = p.copy()
    d[onp.arange(n), labels] -= 1
    d /= n
    gW3, gb3 = h2.T @ d, d.sum(0)
    d = (d @ W3.T) * (z2 > 0)
    gW2, gb2 = h1.T @ d, d.sum(0)
    d = (d @ W2.T) * (z1 > 0)
    gW1, gb1 = X.T @ d, d.sum(0)
    return gW1


def mlp_items(rng):
    from deepblocks import autograd, np as dnp, npx

    sizes = [784, 256, 256, 10]
    X = rng.random((256, 784), dtype=onp.float32)
    labels = rng.integers(0, 10, 256)
    params = [((rng.standard_normal((i, o)) * 0.05).astype(onp.float32), onp.zeros(o, onp.float32))
              for i, o in zip(sizes, sizes[1:])]
    dX, dlabels = dnp.array(X), dnp.array(labels)
    dparams = [(dnp.array(W), dnp.array(b)) for W, b in params]
    for W, b in dparams:
        W.attach_grad()
        b.attach_grad()

    def run_db():
        with autograd.record():
            h = dX
            for i, (W, b) in enumerate(dparams):
                h = dnp.dot(h, W) + b
                if i < 2:
                    h = npx.relu(h)
            loss = -npx.pick(npx.log_softmax(h), dlabels).mean()
        loss.backward()
        return dparams[0][0].grad

    fns = {"deepblocks": run_db, "numpy": lambda: _mlp_numpy(X, labels, params)}
    if torch is not None:
        tX, tl = torch.from_numpy(X), torch.from_numpy(labels)
        tparams = [(torch.from_numpy(W.copy()).requires_grad_(), torch.from_numpy(b.copy()).requires_grad_())
                   for W, b in params]

        def run_torch():
            for W, b in tparams:
                W.grad = None
                b.grad = None
            h = tX
            for i, (W, b) in enumerate(tparams):
                h = h @ W + b
                if i < 2:
                    h = torch.relu(h)
            torch.nn.functional.cross_entropy(h, tl).backward()
            return tparams[0][0].grad

        fns["torch"] = run_torch
    return fns


AUTOGRAD_ITEMS = {"chain100": chain_items, "mlp3": mlp_items}


# ---- optimizer work items: one update of a 256x784 float32 weight (the first layer of the
# MNIST MLP) through deepblocks.optimizer, a NumPy in-place implementation of the same rule,
# and torch.optim. Each callable does one step and returns the weight, so `check` compares
# the first step of each.

OPTIMIZER_ITEMS = {"optimizer_sgd": "sgd", "optimizer_adam": "adam"}


def optimizer_items(name, rng):
    from deepblocks import optimizer

    kind = OPTIMIZER_ITEMS[name]
    lr, wd, momentum, b1, b2, eps = 1e-3, 1e-4, 0.9, 0.9, 0.999, 1e-8
    w0 = rng.standard_normal((256, 784), dtype=onp.float32)
    g0 = rng.standard_normal((256, 784), dtype=onp.float32)
    w, g = dnp.array(w0), dnp.array(g0)
    if kind == "sgd":
        opt = optimizer.SGD(learning_rate=lr, wd=wd, momentum=momentum)
    else:
        opt = optimizer.Adam(learning_rate=lr, wd=wd, beta1=b1, beta2=b2, epsilon=eps)
    state = opt.create_state(0, w)

    def run_db():
        opt.update(0, w, g, state)
        return w

    hw, hg = w0.copy(), g0
    hm, hv, t = onp.zeros_like(hw), onp.zeros_like(hw), 0

    def run_numpy():
        nonlocal t, hw, hm, hv  # augmented assignments below rebind the names (in place)
        if kind == "sgd":  # mom = momentum * mom - lr * (g + wd * w); w += mom
            hm *= momentum
            hm -= lr * (hg + wd * hw)
            hw += hm
            return hw
        t += 1
        G = hg + wd * hw
        hm *= b1
        hm += (1 - b1) * G
        hv *= b2
        hv += (1 - b2) * G * G
        hw -= (lr * (1 - b2**t) ** 0.5 / (1 - b1**t)) * hm / (onp.sqrt(hv) + eps)
        return hw

    fns = {"deepblocks": run_db, "numpy": run_numpy}
    if torch is not None:
        tw = torch.from_numpy(w0.copy()).requires_grad_()
        tw.grad = torch.from_numpy(g0.copy())
        if kind == "sgd":
            topt = torch.optim.SGD([tw], lr=lr, momentum=momentum, weight_decay=wd)
        else:
            topt = torch.optim.Adam([tw], lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd)

        def run_torch():
            topt.step()
            return tw

        fns["torch"] = run_torch
    return fns


def check(name, fns):
    """Sanity check (untimed): deepblocks agrees with NumPy."""
    got = onp.asarray(fns["deepblocks"]())
    want = fns["numpy"]()
    rtol = 1e-3 if name.startswith(("sum", "matmul", "mlp", "chain")) else 1e-6
    if not onp.allclose(got, want, rtol=rtol, atol=1e-3):
        print(f"  WARNING: {name}: deepblocks result differs from NumPy's")


def import_time(module, runs=5):
    """Best and median seconds of ``import module`` in a fresh interpreter (in-process timer)."""
    code = ("import time; t = time.perf_counter(); import " + module +
            "; print(time.perf_counter() - t)")
    out = []
    for _ in range(runs):
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=os.environ.copy())
        if r.returncode != 0:
            return None
        out.append(float(r.stdout.strip().splitlines()[-1]))
    return min(out), statistics.median(out)


# ---- per-call overhead breakdown --------------------------------------------------------------


def overhead_diag():
    """Times trivial calls to split per-call cost into binding overhead and kernel work."""
    print("== per-call overhead breakdown (best of 7, per call)")
    a, b = onp.ones(100, onp.float32), onp.ones(100, onp.float32)
    a1, b1, m = a[:1].copy(), b[:1].copy(), a.reshape(10, 10)
    da, db, d1a, d1b, dm = (dnp.array(x) for x in (a, b, a1, b1, m))
    rows = [  # label, deepblocks, numpy, (torch set below)
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


# ---- main -------------------------------------------------------------------------------------


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", nargs="*", choices=list(ITEMS) + ["import"],
                   help="run only these items")
    p.add_argument("--no-torch", action="store_true", help="skip PyTorch even if importable")
    p.add_argument("--no-diag", action="store_true", help="skip the overhead breakdown")
    p.add_argument("--repeat", type=int, default=7, help="timing repeats per item (default 7)")
    args = p.parse_args(argv)
    _load_torch(not args.no_torch)
    selected = args.only or (list(ITEMS) + ["import"])

    t_start = time.perf_counter()
    print_environment()
    rng = onp.random.default_rng(0)
    libs = ["deepblocks", "numpy"] + (["torch"] if torch is not None else [])

    results = []  # (label, {lib: (best, median)}, targets)
    for name in ITEMS:
        if name not in selected:
            continue
        label, targets = ITEMS[name]
        fns = setup(name, rng)
        check(name, fns)
        big = name not in ("add100", "chain100")
        times = measure_group({lib: fns[lib] for lib in libs}, repeat=args.repeat,
                              min_loop=0.1 if big else 0.2, warmup=1 if big else 3)
        del fns
        results.append((label, times, targets))

    if "import" in selected:
        times = {"deepblocks": import_time("deepblocks"), "numpy": import_time("numpy")}
        if torch is not None:
            times["torch"] = import_time("torch")
        results.append(("import (fresh process)", times, {"abs": 0.2}))

    # table
    print("== results (best per call; median in parentheses); ratio = deepblocks / other")
    head = f"{'work':<36}" + "".join(f"{lib:>22}" for lib in libs)
    head += f"{'db/numpy':>10}" + (f"{'db/torch':>10}" if torch is not None else "")
    head += "  targets"
    print(head)
    print("-" * len(head))
    verdicts = []
    for label, times, targets in results:
        row = f"{label:<36}"
        for lib in libs:
            t = times.get(lib)
            cell = "-" if t is None else f"{fmt_time(t[0])} ({fmt_time(t[1])})"
            row += f"{cell:>22}"
        db = times.get("deepblocks")
        ratios = {}
        for other in ("numpy", "torch"):
            if other in libs:
                o = times.get(other)
                ratios[other] = db[0] / o[0] if db and o else None
                row += f"{ratios[other]:>10.2f}" if ratios[other] is not None else f"{'-':>10}"
        marks = []
        for key, limit in targets.items():
            if key == "abs":
                ok = db is not None and db[0] <= limit
                marks.append(f"<= {limit} s: {'met' if ok else 'MISSED'}")
            elif ratios.get(key) is None:
                marks.append(f"<= {limit}x {key}: n/a")
            else:
                ok = ratios[key] <= limit
                marks.append(f"<= {limit}x {key}: {'met' if ok else 'MISSED'}")
            verdicts.append(ok if key == "abs" or ratios.get(key) is not None else None)
        row += "  " + ("; ".join(marks) if marks else "(report only)")
        print(row)
    print()
    met = sum(1 for v in verdicts if v)
    missed = sum(1 for v in verdicts if v is False)
    print(f"targets: {met} met, {missed} missed, "
          f"{sum(1 for v in verdicts if v is None)} not measurable here")
    print()

    if not args.no_diag and not args.only:
        overhead_diag()
    print(f"load avg at end {loadavg()}; total time {time.perf_counter() - t_start:.1f} s")


if __name__ == "__main__":
    main()
