"""deepblocks vs NumPy vs PyTorch (when importable) on every work item of DESIGN.md §5: the
same as ``deepblocks bench --full``, whose code is in the package
(``python/deepblocks/cli/bench.py``, ``bench_items.py``, ``bench_gluon.py``), so that an
installed wheel can run it too.

Usage::

    python benches/compare.py                      # every item (~1 to 2 min on 2 cores)
    python benches/compare.py --only add100 matmul1024
    python benches/compare.py --no-torch --no-diag
    python benches/compare.py --mxnet-python /tmp/mxvenv/bin/python   # + MXNet's Gluon
    # torch in another venv, deepblocks from the source tree (the extension built in place):
    PYTHONPATH=python /path/to/torchvenv/bin/python benches/compare.py

Without an installed deepblocks the source tree's ``python/`` folder is used (its compiled
extension must have been built, e.g. by ``maturin develop --release``).
"""

import os
import sys

try:
    import deepblocks  # noqa: F401
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))

from deepblocks.cli import main  # noqa: E402
# The timing helpers, for the other scripts here (gpu_compare.py imports fmt_time).
from deepblocks.cli.timing import fmt_time, measure, measure_group  # noqa: E402, F401

if __name__ == "__main__":
    sys.exit(main(["bench", "--full", *sys.argv[1:]], prog="benches/compare.py"))
