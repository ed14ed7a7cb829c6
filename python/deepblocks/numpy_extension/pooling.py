"""``npx.pooling`` (MXNet's ``Pooling``): max, average and sum pooling over 1, 2 or 3 spatial
axes, MXNet's ``valid`` (floor) and ``full`` (ceil) output conventions, ``count_include_pad``,
global pooling, channels first or last. One engine operation, differentiable (max pooling
sends each window's gradient to one maximum, as MXNet).

>>> from deepblocks import np, npx
>>> x = np.arange(16.0).reshape(1, 1, 4, 4)
>>> npx.pooling(x, kernel=(2, 2), stride=(2, 2))
array([[[[ 5.,  7.],
         [13., 15.]]]])
>>> npx.pooling(x, kernel=(3, 3), stride=(2, 2), pool_type='avg', pooling_convention='full').shape
(1, 1, 2, 2)
>>> npx.pooling(x, pool_type='avg', global_pool=True)
array([[[[7.5]]]])
"""

from .. import _core
from .window import layout_of, spatial, window_arg

__all__ = ["pooling"]

_TYPES = ("max", "avg", "sum")
_CONVENTIONS = ("valid", "full")


def pooling(data=None, kernel=None, pool_type="max", global_pool=False, cudnn_off=False, pooling_convention="valid",
            stride=None, pad=None, p_value=None, count_include_pad=None, layout=None):
    """Pools each channel over windows of ``kernel`` moved by ``stride`` (1 by default) over the
    input padded by ``pad`` (0 by default): their maximum (``pool_type='max'``), mean
    (``'avg'``) or sum (``'sum'``).

    Along each spatial axis the output has ``(n + 2*pad - kernel) // stride + 1`` positions
    (``pooling_convention='valid'``), or that rounded up (``'full'``, Gluon's
    ``ceil_mode=True``). Padding never wins a maximum; averages divide by the window size
    including padding unless ``count_include_pad=False``. ``global_pool`` pools the whole
    spatial extent (``kernel``, ``stride`` and ``pad`` are then ignored). Layouts as in
    ``npx.convolution``; ``cudnn_off`` is accepted for compatibility.
    """
    op = "pooling"
    d, last = layout_of(op, layout, data.shape)
    if pool_type not in _TYPES:
        if pool_type == "lp":
            raise NotImplementedError("pooling: pool_type='lp' is not supported (use 'max', 'avg' or 'sum')")
        raise ValueError(f"pooling: unknown pool_type {pool_type!r}: use 'max', 'avg' or 'sum'")
    if pooling_convention not in _CONVENTIONS:
        if pooling_convention == "same":
            raise NotImplementedError("pooling: pooling_convention='same' is not supported (use 'valid' or 'full')")
        raise ValueError(f"pooling: unknown pooling_convention {pooling_convention!r}: use 'valid' or 'full'")
    include_pad = True if count_include_pad is None else bool(count_include_pad)
    if global_pool:
        ones = (1,) * d
        return _core.pooling(data, ones, ones, (0,) * d, pool_type, True, pooling_convention, include_pad, last)
    if kernel is None or (isinstance(kernel, (tuple, list)) and len(kernel) == 0):
        raise ValueError("pooling: kernel is required unless global_pool=True")
    kernel = window_arg(op, "kernel", kernel, d, 1, 1)
    stride = window_arg(op, "stride", stride, d, 1, 1)
    pad = window_arg(op, "pad", pad, d, 0, 0)
    sizes = spatial(data.shape, last)
    if any(p >= k for p, k in zip(pad, kernel)):
        raise ValueError(f"pooling: pad {pad} must be smaller than the kernel {kernel} on every axis")
    if any(k > n + 2 * p for n, k, p in zip(sizes, kernel, pad)):
        padded = tuple(n + 2 * p for n, p in zip(sizes, pad))
        raise ValueError(f"pooling: the kernel {kernel} is larger than the padded input {padded} "
                         f"(data shape {tuple(data.shape)}, pad {pad})")
    return _core.pooling(data, kernel, stride, pad, pool_type, False, pooling_convention, include_pad, last)

