"""Gluon-level benchmark: deepblocks vs PyTorch eager (and MXNet 1.9.1 when importable), each
library in its own process: the same as ``deepblocks bench --only mlp_forward train_step``
(the code is in ``python/deepblocks/cli/bench_gluon.py``).

- ``mlp_forward``: forward of ``Dense(256, relu) -> Dense(10)`` on a (2, 20) batch
  (target: deepblocks <= 0.5x PyTorch);
- ``train_step``: one training step of ``Dense(256, relu) -> Dense(10)`` on a (256, 784)
  batch: record, forward, softmax cross-entropy, backward, SGD update through the Trainer
  (target: deepblocks <= 1.0x PyTorch).

Usage::

    python benches/gluon_compare.py
    # PyTorch from a venv that has it, MXNet 1.9.1 from another (numpy 1.23.5):
    PYTHONPATH=python /tmp/torchvenv/bin/python benches/gluon_compare.py --mxnet-python /tmp/mxvenv/bin/python
"""

import os
import sys

try:
    import deepblocks  # noqa: F401
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))

from deepblocks.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["bench", "--only", "mlp_forward", "train_step", "--repeat", "7", *sys.argv[1:]],
                  prog="benches/gluon_compare.py"))
