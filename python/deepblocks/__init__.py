"""deepblocks: MXNet Gluon's API on a Rust tensor engine.

Code written for MXNet runs after replacing the word ``mxnet`` by ``deepblocks``:

>>> from deepblocks import np, npx
>>> npx.set_np()
>>> x = np.arange(12).reshape(3, 4)
>>> x[1:, ::2]
array([[ 4.,  6.],
       [ 8., 10.]])
"""

import os as _os
import sys as _sys

# The engine's allocator (mimalloc) hands freed pages back to the kernel by decommitting them,
# so each reuse faults in freshly zeroed pages: that cost 10-30% of an RNN or Transformer
# training step, whose buffers are freed and allocated again every step. Resetting them
# instead (MADV_FREE) leaves them mapped until the kernel needs the memory. mimalloc reads
# this when the extension loads, just below; a value the user set wins.
_os.environ.setdefault("MIMALLOC_PURGE_DECOMMITS", "0")

from . import _core, autograd, base, context, cuda, runtime, util
from . import numpy
from . import numpy_extension
from . import ndarray
from . import gluon
from . import test_utils
from . import initializer
from . import random
from . import optimizer
from . import io
from . import engine, log
from . import lr_scheduler
from .gluon import metric
from .base import MXNetError
from .context import Context, cpu, cpu_pinned, current_context, current_device, gpu, num_gpus
from .util import is_np_array, is_np_shape, np_array, np_shape, set_np_shape, use_np, use_np_array, use_np_shape

__version__ = _core.__version__

np = numpy
npx = numpy_extension
nd = ndarray
init = initializer
rnd = random

# MXNet's short module names are importable as modules too (`import deepblocks.np`).
_sys.modules[__name__ + ".np"] = numpy
_sys.modules[__name__ + ".npx"] = numpy_extension
_sys.modules[__name__ + ".nd"] = ndarray
_sys.modules[__name__ + ".init"] = initializer
_sys.modules[__name__ + ".rnd"] = random
# MXNet 1.x names it mx.metric, MXNet 2 gluon.metric: one module under both names.
_sys.modules[__name__ + ".metric"] = metric

__all__ = [
    "np", "npx", "nd", "init", "initializer", "autograd", "gluon", "numpy", "numpy_extension", "ndarray", "optimizer", "lr_scheduler", "metric", "base", "context", "cuda", "runtime", "util", "random", "rnd", "io", "engine", "log",
    "MXNetError", "Context", "cpu", "cpu_pinned", "gpu", "current_context", "current_device", "num_gpus",
    "np_shape", "is_np_shape", "use_np_shape", "set_np_shape", "is_np_array", "use_np", "np_array", "use_np_array",
]
