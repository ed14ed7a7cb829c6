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
from .ctc import CTCLoss, ctc_loss  # noqa: F401
from .legacy_shape import *  # noqa: F401,F403,A001  (nd.slice, nd.crop, nd.slice_axis, nd.slice_like, ...)
from .legacy_shape import __all__ as _legacy_shape_all
from .legacy_math import *  # noqa: F401,F403  (nd.add_n, nd.ElementWiseSum, nd.L2Normalization, ...)
from .legacy_math import __all__ as _legacy_math_all
from .legacy_index import *  # noqa: F401,F403  (nd.gather_nd, nd.scatter_nd, nd.batch_take, ...)
from .legacy_index import __all__ as _legacy_index_all
from .legacy_io import from_numpy, load_frombuffer  # noqa: F401
from .legacy_loss import *  # noqa: F401,F403  (nd.MakeLoss, nd.SoftmaxOutput, nd.LinearRegressionOutput, ...)
from .legacy_loss import __all__ as _legacy_loss_all
from .legacy_nn import *  # noqa: F401,F403  (nd.LRN, nd.UpSampling, nd.Crop, nd.SoftmaxActivation, nd.Pad)
from .legacy_nn import __all__ as _legacy_nn_all
from .samplers import *  # noqa: F401,F403  (nd.random_exponential, nd.sample_uniform, ...)
from .samplers import __all__ as _samplers_all
from . import linalg  # nd.linalg.gemm2, ...
from .linalg import *  # noqa: F401,F403  (nd.linalg_gemm, nd.linalg_gemm2, ...)
from .linalg import __all__ as _linalg_all

__all__ = (["NDArray", "random", "contrib", "RNN", "uniform", "normal", "random_uniform", "random_normal"]
           + list(_ops_all) + list(_nn_all) + list(_sequence_all) + list(_sort_all) + list(_legacy_shape_all)
           + list(_legacy_math_all) + list(_legacy_index_all) + ["from_numpy", "load_frombuffer"]
           + list(_legacy_loss_all) + list(_legacy_nn_all) + list(_samplers_all) + ["linalg"] + list(_linalg_all))
__all__ += ["CTCLoss", "ctc_loss"]
from .dlpack import from_dlpack, to_dlpack_for_read, to_dlpack_for_write  # noqa: E402
__all__ += ["from_dlpack", "to_dlpack_for_read", "to_dlpack_for_write"]
from .optimizer_ops import *  # noqa: F401,F403,E402  (nd.sgd_update, nd.adam_update, ...)
from .optimizer_ops import __all__ as _optimizer_ops_all  # noqa: E402
__all__ += list(_optimizer_ops_all)

# Inside ``hybrid_forward(self, F, x)`` code reaches the numpy-mode operators as ``F.np`` and
# ``F.npx`` (MXNet 1.9 passes this module as ``F``).
from .. import numpy as np  # noqa: E402
from .. import numpy_extension as npx  # noqa: E402

from typing import TYPE_CHECKING as _TYPE_CHECKING  # noqa: E402

if _TYPE_CHECKING:
    # Most functions arrive through star imports with computed ``__all__`` lists, out of a
    # type checker's sight: this tells it that other names exist (typed Any). Never defined
    # at run time.
    from typing import Any as _Any

    def __getattr__(name: str) -> _Any: ...
