"""``deepblocks.nd``: MXNet 1.x's legacy ``nd`` namespace (``from mxnet import nd``).

Arrays are ``nd.NDArray``, a free view of the engine's array with MXNet's legacy rules: no
0-d arrays (full reductions and scalar indexing give shape ``(1,)``), comparisons give 0./1.
floats, ``asscalar()``, and the ``\\n[...]\\n<NDArray 2x2 @cpu(0)>`` display.

>>> from deepblocks import nd
>>> x = nd.array([[1, 2], [3, 4]])
>>> x
<BLANKLINE>
[[1. 2.]
 [3. 4.]]
<NDArray 2x2 @cpu(0)>
>>> x.sum()
<BLANKLINE>
[10.]
<NDArray 1 @cpu(0)>
>>> (x == 2).sum().asscalar()
np.float32(1.0)
>>> nd.dot(x, x).asnumpy()
array([[ 7., 10.],
       [15., 22.]], dtype=float32)
>>> x.as_np_ndarray()
array([[1., 2.],
       [3., 4.]])
"""

from . import contrib, ops, random
from .ndarray import NDArray
from .nn import *  # noqa: F401,F403  (nd.Convolution, nd.Pooling, nd.BatchNorm, nd.pad, ...)
from .nn import __all__ as _nn_all
from .ops import *  # noqa: F401,F403  (the module functions: nd.array, nd.concat, ...)
from .ops import __all__ as _ops_all
from .sequence import *  # noqa: F401,F403  (nd.SequenceMask, nd.SequenceLast, nd.SequenceReverse)
from .sequence import __all__ as _sequence_all
from .rnn import RNN  # noqa: F401
# MXNet 1.x also exposes two samplers as top-level legacy operators (``nd.uniform(shape=...)``).
from .random import random_normal, random_uniform  # noqa: F401
from .random import random_normal as normal  # noqa: F401
from .random import random_uniform as uniform  # noqa: F401
from .sort import *  # noqa: F401,F403  (nd.sort, nd.argsort, nd.topk)
from .sort import __all__ as _sort_all

__all__ = (["NDArray", "random", "contrib", "RNN", "uniform", "normal", "random_uniform", "random_normal"]
           + list(_ops_all) + list(_nn_all) + list(_sequence_all) + list(_sort_all))

# Inside ``hybrid_forward(self, F, x)`` code reaches the numpy-mode operators as ``F.np`` and
# ``F.npx`` (MXNet 1.9 passes this module as ``F``).
from .. import numpy as np  # noqa: E402
from .. import numpy_extension as npx  # noqa: E402
