"""``gluon.utils``: splitting batches across devices and clipping gradients, as MXNet's.

>>> from deepblocks import np, cpu
>>> from deepblocks.gluon import utils
>>> [p.shape for p in utils.split_and_load(np.ones((6, 2)), [cpu(0), cpu(1)])]
[(3, 2), (3, 2)]
"""

import math
import warnings

from .. import _core
from .. import numpy as _np

__all__ = ["split_data", "split_and_load", "clip_global_norm", "check_sha1", "download", "replace_file",
           "shape_is_known", "HookHandle"]


def split_data(data, num_slice, batch_axis=0, even_split=True):
    """``num_slice`` parts of ``data`` along ``batch_axis`` (views). With ``even_split=False``
    the sizes differ by at most one, the larger parts first, as MXNet 1.9.1 splits them: 7 rows
    in 4 parts are 2, 2, 2, 1; fewer rows than parts leave the last parts empty.

    >>> from deepblocks import np
    >>> from deepblocks.gluon import utils
    >>> [p.shape[0] for p in utils.split_data(np.arange(7), 4, even_split=False)]
    [2, 2, 2, 1]
    """
    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise ValueError(
            f"data with shape {data.shape} cannot be evenly split into {num_slice} slices along axis "
            f"{batch_axis}. Use a batch size that's multiple of {num_slice} or set even_split=False "
            "to allow uneven partitioning of data.")
    if num_slice == 1:
        return [data]
    # NumPy's array_split divides the same way; the engine refuses a part count beyond
    # memory before it makes the first part.
    return _core.split(data, num_slice, batch_axis, True)


def split_and_load(data, ctx_list, batch_axis=0, even_split=True):
    """Splits ``data`` along ``batch_axis`` into one part per device of ``ctx_list`` and
    copies each part there."""
    if not isinstance(data, _core.ndarray):
        data = _np.array(data, ctx=ctx_list[0])
    if len(ctx_list) == 1:
        return [data.as_in_context(ctx_list[0])]
    parts = split_data(data, len(ctx_list), batch_axis, even_split)
    return [p.as_in_context(ctx) for p, ctx in zip(parts, ctx_list)]


def clip_global_norm(arrays, max_norm, check_isfinite=True):
    """Rescales ``arrays`` in place so that their joint 2-norm is at most ``max_norm``;
    returns that norm before rescaling (a float)."""
    if not arrays:
        raise ValueError("clip_global_norm: no arrays given")
    total = math.sqrt(sum(float((a.astype("float64") ** 2).sum()) for a in arrays))
    if check_isfinite and not math.isfinite(total):
        warnings.warn(UserWarning("nan or inf is detected. Clipping results will be undefined."),
                      stacklevel=2)
    scale = max_norm / (total + 1e-8)
    if scale < 1.0:
        for a in arrays:
            a *= scale
    return total


# ---- files and shapes (MXNet keeps these in gluon.utils too) -----------------------------

from .data.download import check_sha1, download  # noqa: E402,F401 (re-exported)
from .block import HookHandle  # noqa: E402,F401


def replace_file(src, dst):
    """Moves ``src`` over ``dst`` in one atomic step (``os.replace``)."""
    import os
    os.replace(src, dst)


def shape_is_known(shape):
    """Whether every dimension of ``shape`` is known: none is the unknown marker (-1 with
    NumPy shape semantics, 0 without), and ``()`` counts as known only with NumPy shapes.

    >>> shape_is_known((2, 3)), shape_is_known(None)
    (True, False)
    """
    from ..util import is_np_shape
    if shape is None:
        return False
    unknown = -1 if is_np_shape() else 0
    if len(shape) == 0:
        return unknown == -1
    for d in shape:
        if d == unknown:
            return False
        if d < unknown:
            raise ValueError(f"shape dimension size cannot be less than {unknown}, while received {d}")
    return True
