"""``npx.convolution`` and ``npx.deconvolution`` (MXNet's ``Convolution`` and
``Deconvolution``): 1, 2 or 3 spatial axes, stride, padding, dilation, groups, optional bias,
channels first (NCW, NCHW, NCDHW: the default) or last (NWC, NHWC, NDHWC).

Each is one engine operation (``_core.convolution``/``_core.deconvolution``), differentiable
with respect to data, weight and bias; this module checks the arguments and names what does
not fit.

>>> from deepblocks import np, npx
>>> x = np.arange(16.0).reshape(1, 1, 4, 4)
>>> w = np.ones((1, 1, 2, 2))
>>> npx.convolution(x, w, None, kernel=(2, 2), stride=(2, 2), num_filter=1, no_bias=True)
array([[[[10., 18.],
         [42., 50.]]]])
>>> npx.deconvolution(np.ones((1, 1, 2, 2)), w, kernel=(2, 2), stride=(2, 2), num_filter=1).shape
(1, 1, 4, 4)
"""

import operator

import numpy as _onp

from .. import _core
from .window import channels, conv_out_size, deconv_out_size, layout_of, spatial, window_arg

__all__ = ["convolution", "deconvolution"]


def promote(*arrays):
    """The arrays (None passes through) in one floating-point dtype, NumPy's promotion of
    theirs (float32 for integers alone), so that float64 data meets a float32 layer as in
    ``Dense``; the casts are recorded, so gradients reach each array in its own dtype."""
    dtypes = [_onp.dtype(a.dtype) for a in arrays if a is not None]  # legacy arrays answer types
    common = _onp.result_type(*dtypes)
    if common.kind != "f":
        common = _onp.dtype("float32")
    if all(d == common for d in dtypes):
        return arrays
    return tuple(a if a is None or a.dtype == common else a.astype(common) for a in arrays)


def _weights(op, data, weight, bias, kernel, num_filter, num_group, d, last, transposed):
    """Checks ``weight`` and ``bias`` against ``data``; returns the kernel's extents.

    Convolution weights are ``(F, C/g, *kernel)``, transposed ones ``(C, F/g, *kernel)``;
    channels-last layouts put the per-group channel axis last (MXNet's NHWC weights)."""
    shape, wshape = tuple(data.shape), tuple(weight.shape)
    if len(wshape) != d + 2:
        raise ValueError(f"{op}: weight must have {d + 2} dimensions for data of shape {shape}, "
                         f"got weight shape {wshape}")
    g = _int(op, "num_group", num_group)
    if g < 1:
        raise ValueError(f"{op}: num_group must be at least 1, got {g}")
    c = channels(shape, last)
    if c % g:
        raise ValueError(f"{op}: the {c} input channels of data shape {shape} are not divisible by num_group={g}")
    kernel = window_arg(op, "kernel", kernel if kernel is not None else spatial(wshape, last), d, 1, 1)
    per_group = wshape[-1] if last else wshape[1]
    f = per_group * g if transposed else wshape[0]
    if num_filter is not None and num_filter != f:
        raise ValueError(f"{op}: num_filter={num_filter} does not match weight shape {wshape} ({f} filters)")
    if f % g:
        raise ValueError(f"{op}: the {f} filters of weight shape {wshape} are not divisible by num_group={g}")
    lead, inner = (c, f // g) if transposed else (f, c // g)
    expected = (lead, *kernel, inner) if last else (lead, inner, *kernel)
    if wshape != expected:
        raise ValueError(f"{op}: weight shape {wshape} does not fit data shape {shape} with kernel {kernel} "
                         f"and num_group={g}: expected weight shape {expected}")
    if bias is not None and tuple(bias.shape) != (f,):
        raise ValueError(f"{op}: bias shape {tuple(bias.shape)} must be ({f},), one value per output channel")
    return kernel


def _int(op, name, value):
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{op}: {name} must be an int, got {value!r}") from None


def convolution(data=None, weight=None, bias=None, kernel=None, stride=None, dilate=None, pad=None,
                num_filter=None, num_group=1, workspace=1024, no_bias=False, cudnn_tune=None, cudnn_off=False,
                layout=None):
    """Convolution (cross-correlation, as every deep-learning library) of ``data`` with
    ``weight``, plus ``bias`` unless ``no_bias``.

    ``data`` is ``(N, C, *spatial)`` (or ``(N, *spatial, C)`` in a channels-last ``layout``),
    ``weight`` ``(num_filter, C/num_group, *kernel)`` (channels last: ``(num_filter, *kernel,
    C/num_group)``), ``bias`` ``(num_filter,)``. Along each spatial axis the output has
    ``(n + 2*pad - dilate*(kernel-1) - 1) // stride + 1`` positions. ``stride`` and ``dilate``
    default to 1, ``pad`` to 0; an int applies to every axis. ``workspace``, ``cudnn_tune``
    and ``cudnn_off`` are accepted for compatibility (the engine picks its own algorithm).

    >>> from deepblocks import np, npx
    >>> x = np.ones((2, 4, 5, 5))
    >>> npx.convolution(x, np.ones((6, 2, 3, 3)), np.zeros(6), kernel=(3, 3), pad=(1, 1),
    ...                 num_filter=6, num_group=2).shape
    (2, 6, 5, 5)
    """
    d, last = layout_of("convolution", layout, data.shape)
    kernel = _weights("convolution", data, weight, None if no_bias else bias, kernel, num_filter, num_group, d, last,
                      transposed=False)
    stride = window_arg("convolution", "stride", stride, d, 1, 1)
    dilate = window_arg("convolution", "dilate", dilate, d, 1, 1)
    pad = window_arg("convolution", "pad", pad, d, 0, 0)
    sizes = spatial(data.shape, last)
    if any(conv_out_size(*a) is None for a in zip(sizes, kernel, stride, dilate, pad)):
        span = tuple(dl * (k - 1) + 1 for k, dl in zip(kernel, dilate))
        padded = tuple(n + 2 * p for n, p in zip(sizes, pad))
        raise ValueError(f"convolution: the kernel {kernel} (dilated: {span}) is larger than the padded input "
                         f"{padded} (data shape {tuple(data.shape)}, pad {pad})")
    data, weight, bias = promote(data, weight, None if no_bias else bias)
    return _core.convolution(data, weight, bias, kernel, stride, dilate, pad, num_group, last)


def deconvolution(data=None, weight=None, bias=None, kernel=None, stride=None, dilate=None, pad=None, adj=None,
                  target_shape=None, num_filter=None, num_group=1, workspace=512, no_bias=True, cudnn_tune=None,
                  cudnn_off=False, layout=None):
    """Transposed convolution (the gradient of ``convolution`` with respect to its data, used to
    upsample), plus ``bias`` unless ``no_bias`` (MXNet's default is ``no_bias=True``).

    ``weight`` is ``(C, num_filter/num_group, *kernel)`` (channels last: ``(C, *kernel,
    num_filter/num_group)``). Along each spatial axis the output has
    ``(n - 1)*stride - 2*pad + dilate*(kernel-1) + 1 + adj`` positions; ``adj`` (0 by default)
    must be smaller than ``stride``. A ``target_shape`` (the output's spatial extents) sets
    ``pad`` and ``adj`` instead, as MXNet does: the padding the target needs, split evenly with
    an odd remainder given to ``adj``.

    >>> from deepblocks import np, npx
    >>> x = np.ones((1, 3, 4, 4))
    >>> npx.deconvolution(x, np.ones((3, 2, 4, 4)), kernel=(4, 4), stride=(2, 2), pad=(1, 1),
    ...                   num_filter=2).shape
    (1, 2, 8, 8)
    >>> npx.deconvolution(x, np.ones((3, 2, 3, 3)), kernel=(3, 3), stride=(2, 2),
    ...                   target_shape=(8, 8), num_filter=2).shape
    (1, 2, 8, 8)
    """
    op = "deconvolution"
    d, last = layout_of(op, layout, data.shape)
    kernel = _weights(op, data, weight, None if no_bias else bias, kernel, num_filter, num_group, d, last,
                      transposed=True)
    stride = window_arg(op, "stride", stride, d, 1, 1)
    dilate = window_arg(op, "dilate", dilate, d, 1, 1)
    sizes = spatial(data.shape, last)
    target = window_arg(op, "target_shape", target_shape, d, 0, 0)
    if any(target):
        pad, adj = [], []
        for n, k, s, dl, t in zip(sizes, kernel, stride, dilate, target):
            total = s * (n - 1) + dl * (k - 1) + 1 - t
            if total < 0:
                raise ValueError(f"deconvolution: target_shape {target} is larger than the largest output "
                                 f"{tuple(deconv_out_size(*a, 0, 0) for a in zip(sizes, kernel, stride, dilate))} "
                                 f"of data shape {tuple(data.shape)} with kernel {kernel} and stride {stride}")
            pad.append((total + 1) // 2)
            adj.append(total % 2)
        pad, adj = tuple(pad), tuple(adj)
    else:
        pad = window_arg(op, "pad", pad, d, 0, 0)
        adj = window_arg(op, "adj", adj, d, 0, 0)
    if any(a >= s for a, s in zip(adj, stride)):
        raise ValueError(f"deconvolution: adj {adj} must be smaller than stride {stride} on every axis")
    out = tuple(deconv_out_size(*a) for a in zip(sizes, kernel, stride, dilate, pad, adj))
    if any(o < 1 for o in out):
        raise ValueError(f"deconvolution: pad {pad} leaves no output (spatial size {out}) for data shape "
                         f"{tuple(data.shape)} with kernel {kernel} and stride {stride}")
    data, weight, bias = promote(data, weight, None if no_bias else bias)
    return _core.deconvolution(data, weight, bias, kernel, stride, dilate, pad, adj, num_group, last)
