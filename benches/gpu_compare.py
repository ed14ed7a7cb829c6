"""GPU benchmark, ready for the day deepblocks runs on a GPU: 1024³ and 8192³ float32 matmul
and the Gluon MLP training step (batch 256, 784→256→10, SGD, softmax cross-entropy) on
``gpu(0)``, side by side with PyTorch on ``cuda:0`` when importable.

Usage::

    python benches/gpu_compare.py            # exits with a message when no GPU is usable
    python benches/gpu_compare.py --sizes 64 128 --batch 16   # a quick run (e.g. on the emulator)

Times are best-of-repeats per call, synchronizing after each call (``wait_to_read`` /
``torch.cuda.synchronize``).
"""

import argparse
import os
import sys
import timeit

import numpy as onp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import fmt_time  # noqa: E402

import deepblocks  # noqa: E402
from deepblocks import autograd, cuda, gluon, npx  # noqa: E402
from deepblocks import np as dnp  # noqa: E402
from deepblocks.gluon import nn  # noqa: E402


def best(fn, repeat=5):
    fn()
    number, _ = timeit.Timer(fn).autorange()
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def deepblocks_items(ctx, rng, sizes, batch):
    items = {}
    for n in sizes:
        a = dnp.array(rng.random((n, n), dtype=onp.float32), ctx=ctx)
        b = dnp.array(rng.random((n, n), dtype=onp.float32), ctx=ctx)
        items[f"matmul{n}"] = lambda a=a, b=b: (a @ b).wait_to_read()
    npx.set_np()
    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"), nn.Dense(10))
    net.initialize(ctx=ctx)
    x = dnp.array(rng.random((batch, 784), dtype=onp.float32), ctx=ctx)
    y = dnp.array(rng.integers(0, 10, batch).astype(onp.int32), ctx=ctx)
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})

    def step():
        with autograd.record():
            l = loss(net(x), y)
        l.backward()
        trainer.step(batch)
        l.wait_to_read()

    items["train_step"] = step
    return items


def torch_items(torch, rng, sizes, batch):
    dev = torch.device("cuda:0")
    sync = torch.cuda.synchronize
    items = {}
    for n in sizes:
        a = torch.tensor(rng.random((n, n), dtype=onp.float32), device=dev)
        b = torch.tensor(rng.random((n, n), dtype=onp.float32), device=dev)
        items[f"matmul{n}"] = lambda a=a, b=b: (a @ b, sync())
    net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10)).to(dev)
    x = torch.tensor(rng.random((batch, 784), dtype=onp.float32), device=dev)
    y = torch.tensor(rng.integers(0, 10, batch), device=dev)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    ce = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        ce(net(x), y).backward()
        opt.step()
        sync()

    items["train_step"] = step
    return items


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1024, 8192], help="square matmul sizes")
    parser.add_argument("--batch", type=int, default=256, help="training-step batch size")
    parser.add_argument("--repeat", type=int, default=5, help="best of this many timings")
    args = parser.parse_args(argv)
    if npx.num_gpus() == 0:
        status = cuda.status()
        print(f"no GPU usable by deepblocks {deepblocks.__version__} (driver {'found' if status['driver'] else 'not found'}, "
              f"{status['devices']} device(s) seen): nothing to measure")
        return 0
    rng = onp.random.default_rng(0)
    libs = {"deepblocks": deepblocks_items(npx.gpu(0), rng, args.sizes, args.batch)}
    try:
        import torch
        if torch.cuda.is_available():
            libs["torch"] = torch_items(torch, rng, args.sizes, args.batch)
    except ImportError:
        pass
    print(f"{'item':<12}" + "".join(f"{lib:>14}" for lib in libs) + "   deepblocks / torch")
    for item in [f"matmul{n}" for n in args.sizes] + ["train_step"]:
        times = {lib: best(fns[item], args.repeat) for lib, fns in libs.items()}
        ratio = f"{times['deepblocks'] / times['torch']:.2f}x" if "torch" in times else "-"
        print(f"{item:<12}" + "".join(f"{fmt_time(t):>14}" for t in times.values()) + f"   {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
