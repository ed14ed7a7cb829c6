"""Gluon-level benchmark: deepblocks vs PyTorch eager (and MXNet 1.9.1 when importable).

Two work items from the Gluon issue, each the same model in every library:

- ``mlp_forward``: forward of ``Dense(256, relu) -> Dense(10)`` on a (2, 20) batch
  (target: deepblocks <= 0.5x PyTorch);
- ``train_step``: one training step of ``Dense(256, relu) -> Dense(10)`` on a (256, 784)
  batch: record, forward, softmax cross-entropy, backward, SGD update through the Trainer
  (target: deepblocks <= 1.0x PyTorch).

Usage::

    python benches/gluon_compare.py
    # PyTorch from a venv that has it, MXNet 1.9.1 from another (numpy 1.23.5):
    PYTHONPATH=python /tmp/torchvenv/bin/python benches/gluon_compare.py --mxnet-python /tmp/mxvenv/bin/python

Each library runs in its own process, one after the other (best per-call time of
``compare.measure``-style repeats).
"""

import argparse
import json
import os
import subprocess
import sys

import numpy as onp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "benches"))
from compare import fmt_time, loadavg, measure_group  # noqa: E402

import deepblocks  # noqa: E402
from deepblocks import autograd, gluon, npx  # noqa: E402
from deepblocks import np as dnp  # noqa: E402
from deepblocks.gluon import nn  # noqa: E402

TARGETS = {"mlp_forward": 0.5, "train_step": 1.0}


def _try_import(name):
    try:
        return __import__(name)
    except Exception:
        return None


def deepblocks_items(rng, X2, Xb, yb):
    npx.set_np()
    fwd = nn.Sequential()
    fwd.add(nn.Dense(256, activation="relu"), nn.Dense(10))
    fwd.initialize()
    x2 = dnp.array(X2)
    fwd(x2)

    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"), nn.Dense(10))
    net.initialize()
    xb, lb = dnp.array(Xb), dnp.array(yb)
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})

    def step():
        with autograd.record():
            l = loss(net(xb), lb)
        l.backward()
        trainer.step(256)

    step()
    return {"mlp_forward": lambda: fwd(x2), "train_step": step}


def torch_items(torch, X2, Xb, yb):
    torch.manual_seed(0)
    fwd = torch.nn.Sequential(torch.nn.Linear(20, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    x2 = torch.tensor(X2)
    net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    xb, lb = torch.tensor(Xb), torch.tensor(yb, dtype=torch.long)
    loss = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)

    def step():
        opt.zero_grad()
        loss(net(xb), lb).backward()
        opt.step()

    step()
    return {"mlp_forward": lambda: fwd(x2), "train_step": step}


def mxnet_items(mx, X2, Xb, yb):
    mx.npx.set_np()
    mnn = mx.gluon.nn
    fwd = mnn.Sequential()
    fwd.add(mnn.Dense(256, activation="relu"), mnn.Dense(10))
    fwd.initialize()
    x2 = mx.np.array(X2)
    fwd(x2).wait_to_read()
    net = mnn.Sequential()
    net.add(mnn.Dense(256, activation="relu"), mnn.Dense(10))
    net.initialize()
    xb, lb = mx.np.array(Xb), mx.np.array(yb)
    loss = mx.gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = mx.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})

    def step():
        with mx.autograd.record():
            l = loss(net(xb), lb)
        l.backward()
        trainer.step(256)
        mx.npx.waitall()

    step()
    return {"mlp_forward": lambda: fwd(x2).wait_to_read(), "train_step": step}


def _worker(lib):
    """Measures one library's items in this process and prints them as JSON."""
    rng = onp.random.default_rng(0)
    X2 = rng.random((2, 20), dtype=onp.float32)
    Xb = rng.random((256, 784), dtype=onp.float32)
    yb = rng.integers(0, 10, 256).astype(onp.int32)
    if lib == "deepblocks":
        fns, version = deepblocks_items(rng, X2, Xb, yb), deepblocks.__version__
    else:
        mod = _try_import(lib)
        if mod is None:
            print(json.dumps(None))
            return
        fns = (torch_items if lib == "torch" else mxnet_items)(mod, X2, Xb, yb)
        version = mod.__version__
    out = {"version": version}
    for item, fn in fns.items():
        out[item] = measure_group({item: fn})[item][0]
    print(json.dumps(out))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--mxnet-python", help="interpreter of a venv with mxnet==1.9.1 (numpy 1.23.5)")
    args = ap.parse_args(argv)
    if args.worker:
        _worker(args.worker)
        return
    # One process per library, one after the other: each thread pool (rayon, OpenMP) then has
    # the cores to itself, as in real use. (In one process, PyTorch's spinning OpenMP threads
    # slow whatever runs right after them.)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [os.path.join(ROOT, "python"), os.environ.get("PYTHONPATH")])))
    runs = [("deepblocks", sys.executable), ("torch", sys.executable)]
    if args.mxnet_python:
        runs.append(("mxnet", args.mxnet_python))
    else:
        runs.append(("mxnet", sys.executable))
    results = {}
    print(f"load at the start: {loadavg()}")
    for lib, python in runs:
        proc = subprocess.run([python, os.path.abspath(__file__), "--worker", lib], env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{lib}: failed\n{proc.stderr[-2000:]}")
            continue
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        if res is not None:
            results[lib] = res
    print("versions: " + ", ".join(f"{lib} {r['version']}" for lib, r in results.items()))
    print(f"{'item':<14}" + "".join(f"{lib:>14}" for lib in results) + "   ratios (deepblocks / other)")
    for item in ("mlp_forward", "train_step"):
        best = {lib: r[item] for lib, r in results.items()}
        ratios = []
        for lib in results:
            if lib == "deepblocks":
                continue
            r = best["deepblocks"] / best[lib]
            mark = ""
            if lib == "torch":
                mark = " met" if r <= TARGETS[item] else f" MISSED (target {TARGETS[item]})"
            ratios.append(f"{lib} {r:.2f}x{mark}")
        print(f"{item:<14}" + "".join(f"{fmt_time(best[lib]):>14}" for lib in results) + "   " + ", ".join(ratios))
    print(f"load at the end: {loadavg()}")


if __name__ == "__main__":
    main()
