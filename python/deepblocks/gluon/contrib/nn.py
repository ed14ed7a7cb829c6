"""``gluon.contrib.nn``: containers that run their children side by side, the identity
layer, sub-pixel upsampling, and the single-process forms of ``SyncBatchNorm`` and
``SparseEmbedding``.

>>> from deepblocks import np, npx
>>> from deepblocks.gluon import nn
>>> from deepblocks.gluon.contrib import nn as cnn
>>> npx.set_np()
>>> net = cnn.HybridConcurrent(axis=1)
>>> net.add(nn.Dense(2), cnn.Identity())
>>> net.initialize()
>>> net(np.ones((4, 3))).shape          # 2 Dense outputs and the 3 inputs, side by side
(4, 5)
"""

from ... import numpy as _np
from ..block import Block, HybridBlock, _indent
from ..nn.basic_layers import Embedding
from ..nn.normalization import BatchNorm

__all__ = ["Concurrent", "HybridConcurrent", "Identity", "PixelShuffle1D", "PixelShuffle2D",
           "PixelShuffle3D", "SyncBatchNorm", "SparseEmbedding"]


class _ConcurrentMixin:
    def add(self, *blocks):
        """Appends children (registered as '0', '1', ...)."""
        for block in blocks:
            self._register_child(block)

    def forward(self, x):
        return _np.concatenate([block(x) for block in self._children.values()], axis=self.axis)

    def __repr__(self):
        body = "\n".join(f"  ({k}): {_indent(repr(v), 2)}" for k, v in self._children.items())
        return f"{self.__class__.__name__}(\n{body}\n)"

    def __len__(self):
        return len(self._children)

    def __getitem__(self, i):
        return list(self._children.values())[i]


class Concurrent(_ConcurrentMixin, Block):
    """Feeds the same input to every child and concatenates their outputs along ``axis``
    (Inception-style branches)."""

    def __init__(self, axis=-1, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis


class HybridConcurrent(_ConcurrentMixin, HybridBlock):
    """``Concurrent`` as a HybridBlock."""

    def __init__(self, axis=-1, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis


class Identity(HybridBlock):
    """Returns its input (a branch of a ``Concurrent`` that passes the input through)."""

    def forward(self, x):
        return x

    def __repr__(self):
        return f"{self.__class__.__name__}(\n\n)"


class _PixelShuffle(HybridBlock):
    """Moves ``prod(factor)`` channel groups into the ``ndim`` spatial axes:
    ``(N, C * f1 * ... * fn, d1, ..., dn)`` to ``(N, C, d1 * f1, ..., dn * fn)``."""

    ndim = 0

    def __init__(self, factor):
        super().__init__()
        factors = (factor,) * self.ndim if isinstance(factor, int) else tuple(factor)
        if len(factors) != self.ndim or not all(isinstance(f, int) and f > 0 for f in factors):
            raise ValueError(f"{type(self).__name__}: factor must be a positive int or {self.ndim} of them, "
                             f"got {factor!r}")
        self._factors = factors

    def forward(self, x):
        n = self.ndim
        if x.ndim != n + 2:
            raise ValueError(f"{type(self).__name__}: expects input of {n + 2} dimensions (N, C, ...), "
                             f"got shape {x.shape}")
        batch, channels, *dims = x.shape
        prod = 1
        for f in self._factors:
            prod *= f
        if channels % prod:
            raise ValueError(f"{type(self).__name__}: {channels} channels are not divisible by "
                             f"the product of factors {self._factors}")
        c = channels // prod
        # (N, C, f1..fn, d1..dn) -> (N, C, d1, f1, ..., dn, fn) -> (N, C, d1*f1, ..., dn*fn)
        x = x.reshape((batch, c) + self._factors + tuple(dims))
        axes = [0, 1]
        for i in range(n):
            axes += [2 + n + i, 2 + i]
        x = x.transpose(tuple(axes))
        return x.reshape((batch, c) + tuple(d * f for d, f in zip(dims, self._factors)))

    def __repr__(self):
        factors = self._factors[0] if self.ndim == 1 else self._factors
        return f"{self.__class__.__name__}({factors})"


class PixelShuffle1D(_PixelShuffle):
    """``(N, C * f, W)`` to ``(N, C, W * f)``."""

    ndim = 1


class PixelShuffle2D(_PixelShuffle):
    """``(N, C * f1 * f2, H, W)`` to ``(N, C, H * f1, W * f2)`` (sub-pixel convolution's
    upsampling step)."""

    ndim = 2


class PixelShuffle3D(_PixelShuffle):
    """``(N, C * f1 * f2 * f3, D, H, W)`` to ``(N, C, D * f1, H * f2, W * f3)``."""

    ndim = 3


class SyncBatchNorm(BatchNorm):
    """Batch normalization whose statistics MXNet pools across the devices of one process.
    deepblocks runs it as ``BatchNorm`` on each device's own batch (``num_devices`` is
    accepted and not used), which is exact on a single device."""

    def __init__(self, in_channels=0, num_devices=None, momentum=0.9, epsilon=1e-5, center=True, scale=True,
                 use_global_stats=False, beta_initializer="zeros", gamma_initializer="ones",
                 running_mean_initializer="zeros", running_variance_initializer="ones", **kwargs):
        super().__init__(axis=1, momentum=momentum, epsilon=epsilon, center=center, scale=scale,
                         use_global_stats=use_global_stats, beta_initializer=beta_initializer,
                         gamma_initializer=gamma_initializer, running_mean_initializer=running_mean_initializer,
                         running_variance_initializer=running_variance_initializer, in_channels=in_channels,
                         **kwargs)
        self.num_devices = num_devices

    def __repr__(self):
        # MXNet's form: no axis (always 1), the device count and the key the statistics are
        # pooled under (the block's prefix)
        text = super().__repr__().replace("axis=1, ", "")
        return text.replace("in_channels=", f"ndev={self.num_devices}, key={self.prefix!r}, in_channels=")


class SparseEmbedding(Embedding):
    """``Embedding`` whose weight gradient MXNet keeps row-sparse. deepblocks has no sparse
    arrays, so the gradient is dense (same values)."""

    def __init__(self, input_dim, output_dim, dtype="float32", weight_initializer=None, **kwargs):
        super().__init__(input_dim, output_dim, dtype=dtype, weight_initializer=weight_initializer, **kwargs)
