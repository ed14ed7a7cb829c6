"""The ``deepblocks`` command (also ``python -m deepblocks``).

- ``deepblocks demo``: trains a small Gluon convolutional net (``--model mlp``: an MLP) on the
  handwritten digits shipped with deepblocks, with a progress bar, then tests, saves, reloads
  and plots it (``cli/demo.py``);
- ``deepblocks info`` (the default): version, build features, SIMD level, threads, devices,
  CUDA (``cli/info.py``);
- ``deepblocks bench``: deepblocks against NumPy, and PyTorch / MXNet when importable, as a
  table of ratios (``cli/bench.py``);
- ``deepblocks cuda-check``: compiles every CUDA kernel with NVRTC (``cli/cuda_check.py``).

``main`` returns the exit status, so a console script and ``python -m`` both pass it on.

>>> parser = build_parser("deepblocks")
>>> args = parser.parse_args(["demo", "--epochs", "5", "--ctx", "gpu(1)"])
>>> args.command, args.epochs, args.batch_size, args.ctx, args.model
('demo', 5, 32, gpu(1), 'cnn')
>>> parser.parse_args([]).command
'info'
"""

import argparse

__all__ = ["main", "build_parser"]


def main(argv=None, prog=None):
    """Runs the command in ``argv`` (default: ``sys.argv[1:]``); returns its exit status."""
    args = build_parser(prog).parse_args(argv)
    if args.command == "demo":
        from .demo import run

        return run(args.epochs, args.batch_size, args.lr, args.ctx, args.out, args.seed, args.model)
    if args.command == "bench":
        from .bench import run

        return run(args)
    if args.command == "cuda-check":
        from .cuda_check import cuda_check

        return cuda_check(args.arch)
    from .info import info

    return info()


def build_parser(prog=None):
    """The argument parser of every command."""
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog=prog, description="deepblocks: MXNet Gluon's Python API on a Rust tensor engine.")
    parser.add_argument("--version", action="version", version=f"deepblocks {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="command")
    parser.set_defaults(command="info")

    demo = commands.add_parser(
        "demo", help="train a Gluon network on the handwritten digits shipped with deepblocks",
        description="Trains a small convolutional net (or an MLP) on the UCI handwritten digits "
                    "(shipped with deepblocks) with a progress bar, prints the test accuracy, saves "
                    "the parameters and reloads them into a fresh network, and plots loss and "
                    "accuracy when matplotlib is installed. Exit status 1 when the test accuracy "
                    "is below 0.95 or the reloaded network predicts differently.")
    demo.add_argument("--model", choices=["cnn", "mlp"], default="cnn",
                      help="cnn: two convolutions with max pooling (default); mlp: two dense layers")
    demo.add_argument("--epochs", type=_positive(int), default=20, help="passes over the training images (default 20)")
    demo.add_argument("--batch-size", type=_positive(int), default=32, help="images per batch (default 32)")
    demo.add_argument("--lr", type=_positive(float), default=0.002, help="Adam's learning rate (default 0.002)")
    demo.add_argument("--ctx", type=_device, default="cpu",
                      help="cpu, gpu, cpu(i) or gpu(i) (default cpu); a GPU that cannot be used "
                           "stops the demo with the reason (exit status 2)")
    demo.add_argument("--out", default="deepblocks-demo",
                      help="folder for the parameters and the plot (default ./deepblocks-demo)")
    demo.add_argument("--seed", type=int, default=0, help="seed of the weights and the batch order (default 0)")

    commands.add_parser("info", help="version, build features, SIMD level, threads, devices, CUDA",
                        description="Prints what this build of deepblocks is and what it runs on.")

    bench = commands.add_parser(
        "bench", help="time deepblocks against NumPy, and PyTorch / MXNet when importable",
        description="Times the same work in deepblocks, NumPy and, when importable, PyTorch and "
                    "MXNet, and prints the times and the ratios deepblocks / other (below 1: "
                    "deepblocks is faster). By default a quick subset (under a minute on 2 "
                    "cores); --full runs every item with more repeats.")
    from .bench import add_arguments

    add_arguments(bench)

    check = commands.add_parser(
        "cuda-check", help="compile every CUDA kernel with NVRTC (no GPU needed)",
        description="Compiles every CUDA kernel with NVRTC for each architecture. Needs NVRTC "
                    "(pip install nvidia-cuda-nvrtc-cu12), not a GPU. Exit status 1 when "
                    "anything fails to compile or NVRTC is missing.")
    check.add_argument("--arch", action="append",
                       help="an architecture such as sm_80 (repeatable; default sm_75, sm_80, sm_90)")
    return parser


def _positive(kind):
    def convert(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be positive, not {text}")
        return value

    convert.__name__ = kind.__name__
    return convert


def _device(text):
    from .demo import parse_ctx

    try:
        return parse_ctx(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
