"""The Gluon work items of ``deepblocks bench``, each library in a process of its own.

- ``mlp_forward``: forward of ``Dense(256, relu) -> Dense(10)`` on a (2, 20) batch;
- ``train_step``: one training step of ``Dense(256, relu) -> Dense(10)`` on a (256, 784)
  batch: record, forward, softmax cross-entropy, backward, SGD update through the Trainer
  (PyTorch: ``zero_grad``, forward, ``cross_entropy``, ``backward``, ``SGD.step``).

``bench.py`` runs this file by path, ``python bench_gluon.py LIBRARY [REPEAT]``, and reads one
line of JSON: ``{"version": ..., "mlp_forward": [best, median], "train_step": [...]}``
(seconds per call), or
``null`` when the library cannot be imported. One process per library: each thread pool
(rayon, OpenMP) then has the cores to itself, as in real use, and PyTorch's spinning OpenMP
threads cannot slow what runs after them. The file needs only NumPy, the library it times
and its sibling ``timing.py``, so it also runs in an interpreter without deepblocks, such as
a venv with MXNet 1.9.1 (which needs numpy < 1.24).
"""

import json
import sys

if __package__:
    from .timing import measure_group
else:  # run by path: timing.py is in the same folder, which is sys.path[0]
    from timing import measure_group

ITEMS = {
    "mlp_forward": ("Gluon MLP forward, batch 2, 20-256-10", {"torch": 0.5}),
    "train_step": ("Gluon training step, batch 256, 784-256-10", {"torch": 1.0}),
}
LIBRARIES = ("deepblocks", "torch", "mxnet")


def _inputs():
    import numpy as onp

    rng = onp.random.default_rng(0)
    X2 = rng.random((2, 20), dtype=onp.float32)
    Xb = rng.random((256, 784), dtype=onp.float32)
    yb = rng.integers(0, 10, 256).astype(onp.int32)
    return X2, Xb, yb


def _gluon_items(mx, X2, Xb, yb, sync):
    """The two items in ``mx``'s Gluon (deepblocks or MXNet: the same code)."""
    nn = mx.gluon.nn
    mx.npx.set_np()
    fwd = nn.Sequential()
    fwd.add(nn.Dense(256, activation="relu"), nn.Dense(10))
    fwd.initialize()
    x2 = mx.np.array(X2)
    sync(fwd(x2))

    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"), nn.Dense(10))
    net.initialize()
    xb, lb = mx.np.array(Xb), mx.np.array(yb)
    loss = mx.gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = mx.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})

    def step():
        with mx.autograd.record():
            l = loss(net(xb), lb)
        l.backward()
        trainer.step(256)
        sync(None)

    step()
    return {"mlp_forward": lambda: sync(fwd(x2)), "train_step": step}


def _torch_items(torch, X2, Xb, yb):
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


def measure(lib, repeat=7, only=None):
    """``{"version": ..., item: [best, median] seconds per call}`` for ``lib``; None when it
    cannot be imported."""
    try:
        mod = __import__(lib)
    except Exception:
        return None
    X2, Xb, yb = _inputs()
    if lib == "torch":
        fns = _torch_items(mod, X2, Xb, yb)
    elif lib == "mxnet":
        def sync(out):
            if out is None:
                mod.npx.waitall()
            else:
                out.wait_to_read()
        fns = _gluon_items(mod, X2, Xb, yb, sync)
    else:
        fns = _gluon_items(mod, X2, Xb, yb, lambda out: out)
    result = {"version": mod.__version__}
    for item, fn in fns.items():
        if only is None or item in only:
            result[item] = list(measure_group({item: fn}, repeat=repeat)[item])
    return result


if __name__ == "__main__":
    only = sys.argv[3].split(",") if len(sys.argv) > 3 else None
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 7, only)))
