"""Older image operators of MXNet 1.x's legacy namespace, with MXNet 1.9.1's signatures and
checks: ``nd.LRN`` (local response normalization across channels), ``nd.UpSampling``
('nearest', and 'bilinear' with its weight), ``nd.Crop`` (the 4-D cropping operator, not
``nd.crop``), ``nd.SoftmaxActivation``, and the other names ``nd.Pad`` (of ``nd.pad``),
``nd.Convolution_v1`` and ``nd.Pooling_v1`` (MXNet's older operators, whose arguments the
current ones take). All take
``(N, C, H, W)`` data, are composed from engine operations (so differentiable), and take
``out=``.

>>> from deepblocks import nd
>>> img = nd.arange(4).reshape((1, 1, 2, 2))
>>> nd.UpSampling(img, scale=2, sample_type='nearest').asnumpy()[0, 0]
array([[0., 0., 1., 1.],
       [0., 0., 1., 1.],
       [2., 2., 3., 3.],
       [2., 2., 3., 3.]], dtype=float32)
>>> nd.Crop(nd.arange(16).reshape((1, 1, 4, 4)), h_w=(2, 2), center_crop=True).asnumpy()[0, 0]
array([[ 5.,  6.],
       [ 9., 10.]], dtype=float32)
"""

from .. import _core
from .ndarray import _name, _nd, _np_dtype
from .nn import Convolution as _Convolution
from .nn import Deconvolution as _Deconvolution
from .nn import Pooling as _Pooling
from .nn import pad as _pad
from .ops import OperatorError as _OperatorError
from .ops import _write
from .ops import softmax as _softmax

__all__ = ["LRN", "UpSampling", "Crop", "SoftmaxActivation", "Pad", "Convolution_v1", "Pooling_v1"]

Pad = _pad  # MXNet 1.x registers the operator under both names
Convolution_v1 = _Convolution
Pooling_v1 = _Pooling


def _image(data, name):
    x = _nd(data)
    if x.ndim != 4:
        raise _OperatorError(f"{name}: data must be 4-D (batch, channel, height, width), got shape {x.shape}")
    return x


def LRN(data=None, alpha=1e-4, beta=0.75, knorm=2.0, nsize=None, out=None):
    """``x / (knorm + alpha / nsize * s) ** beta`` where ``s`` sums the squares of the channels
    within ``(nsize - 1) // 2`` of each channel (channels beyond the edges count as 0; an even
    ``nsize`` covers one channel less than it says, as in MXNet).

    >>> from deepblocks import nd
    >>> nd.LRN(nd.ones((1, 3, 1, 1)), nsize=3, alpha=3.0, beta=1.0, knorm=1.0).asnumpy().ravel()
    array([0.33333334, 0.25      , 0.33333334], dtype=float32)
    """
    x = _image(data, "LRN")
    if isinstance(nsize, bool) or not isinstance(nsize, int) or nsize < 1:
        raise _OperatorError(f"LRN: nsize must be a positive int, got {nsize!r}")
    c = x.shape[1]
    half = (nsize - 1) // 2
    sq = x * x
    edge = _zeros_like_channels(x, half)
    padded = _nd(_core.concatenate([edge, sq, edge], 1))
    s = padded[:, 0:c]
    for i in range(1, 2 * half + 1):
        s = s + padded[:, i:i + c]
    return _write(x / (s * (alpha / nsize) + knorm) ** beta, out)


def _zeros_like_channels(x, n):
    return _core.full((x.shape[0], n) + x.shape[2:], 0, _name(_np_dtype(x)), x.ctx, None, legacy=True)


def _nearest(x, scale):
    return x.repeat(scale, axis=2).repeat(scale, axis=3)


def UpSampling(*data, scale=None, num_filter=0, sample_type=None, multi_input_mode="concat", num_args=None,
               workspace=512, out=None, **kwargs):
    """Enlarges images ``scale`` times. 'nearest' repeats each pixel; with several inputs
    each is enlarged to the first one's output size and they are concatenated along the
    channels (or summed, ``multi_input_mode='sum'``). 'bilinear' takes ``(data, weight)`` and
    is the transposed convolution MXNet runs (kernel ``2*scale - scale % 2``, stride
    ``scale``, one group per channel)."""
    if not data:
        raise _OperatorError("UpSampling: needs at least one input")
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise _OperatorError(f"UpSampling: scale must be a positive int, got {scale!r}")
    if num_args is not None and num_args != len(data):
        raise _OperatorError(f"UpSampling: num_args={num_args} but {len(data)} inputs were given")
    if sample_type == "bilinear":
        if len(data) != 2:
            raise _OperatorError("UpSampling: 'bilinear' takes (data, weight)")
        x = _image(data[0], "UpSampling")
        k = 2 * scale - scale % 2
        p = scale // 2  # ceil((scale - 1) / 2)
        y = _Deconvolution(x, data[1], kernel=(k, k), stride=(scale, scale), pad=(p, p),
                           num_filter=num_filter or x.shape[1], num_group=x.shape[1], no_bias=True)
        return _write(y, out)
    if sample_type != "nearest":
        raise _OperatorError(f"UpSampling: invalid sample_type {sample_type!r}, valid values are bilinear, nearest")
    xs = [_image(d, "UpSampling") for d in data]
    h, w = xs[0].shape[2] * scale, xs[0].shape[3] * scale
    ups = []
    for i, x in enumerate(xs):
        if h % x.shape[2] or w % x.shape[3] or h // x.shape[2] != w // x.shape[3]:
            raise _OperatorError(f"UpSampling: input {i} of shape {x.shape} does not scale to {h}x{w}")
        ups.append(_nearest(x, h // x.shape[2]))
    if multi_input_mode == "sum":
        for i, u in enumerate(ups[1:], 1):
            if u.shape[1] != ups[0].shape[1]:
                raise _OperatorError(f"UpSampling: multi_input_mode='sum' needs equal channels, input {i} has "
                                     f"{u.shape[1]}, input 0 has {ups[0].shape[1]}")
        total = ups[0]
        for u in ups[1:]:
            total = total + u
        return _write(total, out)
    if multi_input_mode != "concat":
        raise _OperatorError(f"UpSampling: invalid multi_input_mode {multi_input_mode!r}, valid values are concat, sum")
    return _write(ups[0] if len(ups) == 1 else _nd(_core.concatenate(ups, 1)), out)


def Crop(*data, offset=(0, 0), h_w=(0, 0), center_crop=False, num_args=None, out=None, **kwargs):
    """Cuts a ``(height, width)`` window out of 4-D ``data``: the size is ``h_w``, or that of
    a second input's last two axes; the corner is ``offset`` from the top left, or centred
    (rounding down) with ``center_crop``."""
    if not data or len(data) > 2:
        raise _OperatorError(f"Crop: takes the data and at most one shape-giving input, got {len(data)} inputs")
    if num_args is not None and num_args != len(data):
        raise _OperatorError(f"Crop: num_args={num_args} but {len(data)} inputs were given")
    x = _image(data[0], "Crop")
    if len(data) == 2:
        like = _nd(data[1])
        if like.ndim != 4:
            raise _OperatorError(f"Crop: the second input must be 4-D, got shape {like.shape}")
        h, w = like.shape[2:]
    else:
        h, w = (int(v) for v in h_w)
    H, W = x.shape[2:]
    if not 0 < h <= H or not 0 < w <= W:
        raise _OperatorError(f"Crop: the crop {h}x{w} does not fit the input's {H}x{W} (shape {x.shape})")
    if center_crop:
        top, left = (H - h) // 2, (W - w) // 2
    else:
        top, left = (int(v) for v in offset)
        if not 0 <= top <= H - h or not 0 <= left <= W - w:
            raise _OperatorError(f"Crop: offset {tuple(offset)} leaves no room for {h}x{w} in {H}x{W}")
    return _write(x[:, :, top:top + h, left:left + w].copy(), out)


def SoftmaxActivation(data=None, mode="instance", out=None):
    """Softmax over the last axis (``mode='instance'``) or over the channels, axis 1
    (``'channel'``)."""
    x = _nd(data)
    if mode == "instance":
        return _softmax(x, axis=-1, out=out)
    if mode == "channel":
        if x.ndim < 2:
            raise _OperatorError(f"SoftmaxActivation: mode='channel' needs at least 2 dimensions, got {x.shape}")
        return _softmax(x, axis=1, out=out)
    raise _OperatorError(f"SoftmaxActivation: invalid mode {mode!r}, valid values are channel, instance")
