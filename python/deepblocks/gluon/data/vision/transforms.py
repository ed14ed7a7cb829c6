"""Image transforms, as in ``mxnet.gluon.data.vision.transforms``.

Images are ``(H, W, C)`` arrays, or ``(N, H, W, C)`` batches, until ``ToTensor`` turns them
into ``(C, H, W)`` float32 tensors in [0, 1]; ``Normalize`` works on those. Each transform
gives back the kind of array it was given (``np.ndarray`` or ``nd.NDArray``) on the same
device; a plain NumPy array is taken as the current mode's array. As in MXNet 1.9, the
transforms are Blocks: ``Compose`` is a ``Sequential``, ``CenterCrop`` a ``Block`` and the
others ``HybridBlock``s.

>>> import numpy
>>> from deepblocks import np
>>> from deepblocks.gluon.data.vision import transforms
>>> t = transforms.Compose([transforms.Resize((4, 2)), transforms.ToTensor(),
...                         transforms.Normalize(0.5, 0.5)])
>>> image = np.array(numpy.full((8, 8, 1), 255, dtype=numpy.uint8), dtype="uint8")
>>> t(image).shape
(1, 2, 4)
>>> print(t(image).asnumpy().ravel())
[1. 1. 1. 1. 1. 1. 1. 1.]
"""

import numpy as _onp

from .... import _core, ndarray as _nd
from .... import numpy as _np
from ....ndarray.ndarray import _is_legacy
from ....base import NotSupportedError
from ....util import is_np_array
from ...block import Block, HybridBlock
from ...nn import HybridSequential, Sequential

__all__ = [
    "Compose", "Cast", "ToTensor", "Normalize", "Resize", "CenterCrop", "RandomFlipLeftRight",
    "RandomFlipTopBottom",
]

_INTER_NEAREST, _INTER_LINEAR = 0, 1  # OpenCV's codes, which MXNet's ``interpolation`` uses


class Compose(Sequential):
    """Applies ``transforms`` (a list of transform Blocks) one after the other. As in MXNet,
    each run of consecutive HybridBlocks is grouped into one (hybridized) HybridSequential.

    >>> from deepblocks import np
    >>> from deepblocks.gluon.data.vision import transforms
    >>> t = transforms.Compose([transforms.CenterCrop(10), transforms.Resize(28),
    ...                         transforms.ToTensor()])
    >>> len(t), type(t[1]).__name__, len(t[1])
    (2, 'HybridSequential', 2)
    >>> t(np.zeros((14, 14, 1), dtype="uint8")).shape
    (1, 28, 28)
    """

    def __init__(self, transforms=(), prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        run = []
        for t in list(transforms) + [None]:
            if isinstance(t, HybridBlock):
                run.append(t)
                continue
            if len(run) == 1:
                self.add(run[0])
            elif run:
                group = HybridSequential()
                group.add(*run)
                group.hybridize()
                self.add(group)
            run = []
            if t is not None:
                if not isinstance(t, Block):
                    raise TypeError(f"Compose: each transform must be a Block, got {type(t).__name__}")
                self.add(t)


class Cast(HybridBlock):
    """Casts the input to ``dtype`` (a name or a NumPy dtype)."""

    def __init__(self, dtype="float32"):
        super().__init__()
        self._dtype = dtype

    def forward(self, x):
        return _as_array(x).astype(self._dtype)


class ToTensor(HybridBlock):
    """An ``(H, W, C)`` image in [0, 255] (any dtype, uint8 usually) to a ``(C, H, W)``
    float32 tensor in [0, 1]; an ``(N, H, W, C)`` batch to ``(N, C, H, W)``.

    >>> from deepblocks import np
    >>> from deepblocks.gluon.data.vision import transforms
    >>> image = np.array([[[0, 255]], [[51, 102]]], dtype="uint8")     # H=2, W=1, C=2
    >>> transforms.ToTensor()(image)
    array([[[0. ],
            [0.2]],
    <BLANKLINE>
           [[1. ],
            [0.4]]])
    """

    def forward(self, x):
        x = _as_array(x)
        if x.ndim == 3:
            axes = (2, 0, 1)
        elif x.ndim == 4:
            axes = (0, 3, 1, 2)
        else:
            raise ValueError(f"ToTensor: the input must have shape (H, W, C) or (N, H, W, C), "
                             f"got {x.shape}")
        return x.astype("float32").transpose(*axes) / 255


class Normalize(HybridBlock):
    """``(x[c] - mean[c]) / std[c]`` for each channel ``c`` of a ``(C, H, W)`` tensor or an
    ``(N, C, H, W)`` batch. ``mean`` and ``std`` are numbers (the same for every channel) or
    sequences of one value per channel."""

    def __init__(self, mean=0.0, std=1.0):
        super().__init__()
        self._mean = mean
        self._std = std

    def forward(self, x):
        x = _as_array(x)
        if x.ndim not in (3, 4):
            raise ValueError(f"Normalize: the input must have shape (C, H, W) or (N, C, H, W), "
                             f"got {x.shape}")
        dtype = _onp.dtype(x.dtype)
        if dtype.kind != "f":
            raise TypeError(f"Normalize: the input must be a float tensor (apply ToTensor first), "
                            f"got {dtype}")
        channels = x.shape[-3]
        mean = _wrap(self._per_channel(self._mean, "mean", channels, dtype), x)
        std = _wrap(self._per_channel(self._std, "std", channels, dtype), x)
        return (x - mean) / std

    @staticmethod
    def _per_channel(value, what, channels, dtype):
        values = _onp.asarray(value, dtype=_onp.float64).ravel()
        if values.size == 1:
            values = _onp.repeat(values, channels)
        elif values.size != channels:
            raise ValueError(f"Normalize: {what} must have 1 or {channels} values for an input "
                             f"with {channels} channels, got {values.size}")
        return values.astype(dtype).reshape(channels, 1, 1)


class Resize(HybridBlock):
    """Resizes an ``(H, W, C)`` image or an ``(N, H, W, C)`` batch; apply it before ToTensor.

    ``size`` is ``(width, height)``, or one number: both sides, or with ``keep_ratio`` the
    shorter side (the other scaled to keep the aspect ratio, rounded down). ``interpolation``
    uses OpenCV's codes, as MXNet does: 1 (bilinear, the default) or 0 (nearest); bilinear
    samples with half-pixel centres, as OpenCV's ``INTER_LINEAR``. The output has the input's
    dtype (integers rounded to nearest).

    >>> from deepblocks import np
    >>> from deepblocks.gluon.data.vision import transforms
    >>> transforms.Resize((3, 2))(np.zeros((4, 6, 1), dtype="uint8")).shape   # (w, h) = (3, 2)
    (2, 3, 1)
    """

    def __init__(self, size, keep_ratio=False, interpolation=1):
        super().__init__()
        self._size = size
        self._keep = keep_ratio
        if interpolation not in (_INTER_NEAREST, _INTER_LINEAR):
            raise NotSupportedError(
                f"Resize: interpolation={interpolation} is not supported; deepblocks has 0 "
                f"(nearest) and 1 (bilinear)")
        self._interpolation = interpolation

    def forward(self, x):
        x = _as_array(x)
        if x.ndim not in (3, 4):
            raise ValueError(f"Resize: the input must have shape (H, W, C) or (N, H, W, C), "
                             f"got {x.shape}")
        h, w = x.shape[-3], x.shape[-2]
        out_h, out_w = _output_size(self._size, self._keep, h, w)
        return _wrap(_resize(_host(x), out_h, out_w, self._interpolation), x)


class CenterCrop(Block):
    """Crops the centre of an ``(H, W, C)`` image to ``size`` (``(width, height)`` or one
    number for both). An image smaller than ``size`` gives the largest centred crop of the
    same aspect ratio, resized up to ``size`` with ``interpolation``."""

    def __init__(self, size, interpolation=1):
        super().__init__()
        if isinstance(size, (int, _onp.integer)):
            size = (size, size)
        self._size = tuple(size)
        if interpolation not in (_INTER_NEAREST, _INTER_LINEAR):
            raise NotSupportedError(
                f"CenterCrop: interpolation={interpolation} is not supported; deepblocks has 0 "
                f"(nearest) and 1 (bilinear)")
        self._interpolation = interpolation

    def forward(self, x):
        x = _as_array(x)
        if x.ndim != 3:
            raise ValueError(f"CenterCrop: the input must have shape (H, W, C), got {x.shape}")
        h, w = x.shape[0], x.shape[1]
        width, height = self._size
        # MXNet's scale_down: shrink the crop, keeping its aspect ratio, until it fits.
        if h < height:
            width, height = width * h / height, h
        if w < width:
            width, height = w, height * w / width
        crop_w, crop_h = int(width), int(height)
        x0, y0 = (w - crop_w) // 2, (h - crop_h) // 2
        out = _host(x)[y0:y0 + crop_h, x0:x0 + crop_w]
        if (crop_w, crop_h) != self._size:
            out = _resize(out, self._size[1], self._size[0], self._interpolation)
        return _wrap(_onp.ascontiguousarray(out), x)


class RandomFlipLeftRight(HybridBlock):
    """Flips an ``(H, W, C)`` image (or ``(N, H, W, C)`` batch) left to right with
    probability 0.5 (deepblocks' random generator: ``np.random.seed`` makes it repeatable)."""

    def forward(self, x):
        x = _as_array(x)
        return x[..., ::-1, :].copy() if _coin() else x


class RandomFlipTopBottom(HybridBlock):
    """Flips an ``(H, W, C)`` image (or ``(N, H, W, C)`` batch) top to bottom with
    probability 0.5."""

    def forward(self, x):
        x = _as_array(x)
        return x[..., ::-1, :, :].copy() if _coin() else x


# ---- helpers -----------------------------------------------------------------------------------


def _coin():
    return float(_np.random.uniform().item()) < 0.5


def _host(x):
    """``x`` as a NumPy array."""
    return x.asnumpy() if isinstance(x, _core.ndarray) else _onp.asarray(x)


def _wrap(host, like):
    """The NumPy array ``host`` as the kind of array ``like`` is, on its device (the current
    mode's kind, on the CPU, when ``like`` is not a deepblocks array)."""
    if isinstance(like, _core.ndarray):
        legacy, ctx = _is_legacy(like), like.ctx
    else:
        legacy, ctx = not is_np_array(), None
    if legacy:
        return _nd.array(host, ctx=ctx, dtype=host.dtype)
    return _np.array(host, dtype=host.dtype, ctx=ctx)


def _as_array(x):
    return x if isinstance(x, _core.ndarray) else _wrap(_onp.asarray(x), x)


def _output_size(size, keep_ratio, h, w):
    """``(out_h, out_w)`` for MXNet's ``size`` (``(w, h)`` or one number) and ``keep_ratio``."""
    if isinstance(size, (list, tuple)):
        if len(size) == 1:
            size = size[0]
        elif len(size) == 2:
            out_w, out_h = (int(s) for s in size)
            if out_w <= 0 or out_h <= 0:
                raise ValueError(f"Resize: size must be positive, got {tuple(size)}")
            return out_h, out_w
        else:
            raise ValueError(f"Resize: size must be a number or (width, height), got {size}")
    size = int(size)
    if size <= 0:
        raise ValueError(f"Resize: size must be positive, got {size}")
    if not keep_ratio:
        return size, size
    if h > w:
        return h * size // w, size
    return size, w * size // h


def _resize(image, out_h, out_w, interpolation):
    """Resizes the H and W axes (the 3rd and 2nd from last) of a NumPy array."""
    dtype = image.dtype
    work = image.astype(dtype if dtype.kind == "f" else _onp.float64)
    axis = image.ndim - 3
    work = _resize_axis(work, axis, out_h, interpolation)
    work = _resize_axis(work, axis + 1, out_w, interpolation)
    if dtype.kind in "iu":
        info = _onp.iinfo(dtype)
        work = _onp.clip(_onp.rint(work), info.min, info.max)
    return work.astype(dtype)


def _resize_axis(a, axis, n_out, interpolation):
    n_in = a.shape[axis]
    if interpolation == _INTER_NEAREST:
        return _onp.take(a, _onp.minimum(_onp.arange(n_out) * n_in // n_out, n_in - 1), axis=axis)
    # The centre of output pixel i maps to (i + 0.5) * n_in / n_out - 0.5 in the input; outside
    # [0, n_in - 1] the edge pixel is repeated.
    src = _onp.maximum((_onp.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0.0)
    lo = _onp.minimum(_onp.floor(src).astype(_onp.int64), n_in - 1)
    hi = _onp.minimum(lo + 1, n_in - 1)
    shape = [1] * a.ndim
    shape[axis] = n_out
    frac = (src - lo).astype(a.dtype).reshape(shape)
    below = _onp.take(a, lo, axis=axis)
    return below + (_onp.take(a, hi, axis=axis) - below) * frac
