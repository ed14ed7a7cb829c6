"""The legacy ``nd`` names of the convolutional-network operators, with MXNet 1.9's
signatures: ``nd.Convolution``, ``nd.Deconvolution``, ``nd.Pooling``, ``nd.BatchNorm``,
``nd.InstanceNorm``, ``nd.GroupNorm``, ``nd.pad``, and the layers' operators that MXNet-style
``hybrid_forward(F, ...)`` code calls (recurrent cells, attention): ``nd.FullyConnected``,
``nd.Dropout``, ``nd.Embedding``, ``nd.LayerNorm`` and ``nd.LeakyReLU``. Each checks and runs through its
``npx``/``np`` counterpart and answers NDArrays.

>>> from deepblocks import nd
>>> x = nd.ones((1, 1, 4, 4))
>>> nd.Convolution(x, nd.ones((2, 1, 3, 3)), nd.zeros(2), kernel=(3, 3), num_filter=2).shape
(1, 2, 2, 2)
>>> nd.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type='avg').shape
(1, 1, 2, 2)
>>> nd.pad(x, mode='constant', pad_width=(0, 0, 0, 0, 1, 1, 2, 2), constant_value=0).shape
(1, 1, 6, 8)
>>> nd.FullyConnected(nd.ones((2, 3)), nd.ones((4, 3)), nd.zeros(4), num_hidden=4).asnumpy()
array([[3., 3., 3., 3.],
       [3., 3., 3., 3.]], dtype=float32)
"""

from .. import numpy as _np
from .. import numpy_extension as _npx
from ..numpy_extension import nn as _npx_nn
from .ndarray import _nd
from .ops import _write

__all__ = ["Convolution", "Deconvolution", "Pooling", "BatchNorm", "InstanceNorm", "GroupNorm", "pad",
           "FullyConnected", "Dropout", "Embedding", "LayerNorm", "LeakyReLU"]


def Convolution(data=None, weight=None, bias=None, kernel=None, stride=None, dilate=None, pad=None,
                num_filter=None, num_group=1, workspace=1024, no_bias=False, cudnn_tune=None, cudnn_off=False,
                layout=None, out=None):
    """MXNet's ``Convolution``: see ``npx.convolution``."""
    return _write(_npx.convolution(_nd(data), weight, bias, kernel, stride, dilate, pad, num_filter, num_group,
                                   workspace, no_bias, cudnn_tune, cudnn_off, layout), out)


def Deconvolution(data=None, weight=None, bias=None, kernel=None, stride=None, dilate=None, pad=None, adj=None,
                  target_shape=None, num_filter=None, num_group=1, workspace=512, no_bias=True, cudnn_tune=None,
                  cudnn_off=False, layout=None, out=None):
    """MXNet's ``Deconvolution`` (transposed convolution): see ``npx.deconvolution``."""
    return _write(_npx.deconvolution(_nd(data), weight, bias, kernel, stride, dilate, pad, adj, target_shape,
                                     num_filter, num_group, workspace, no_bias, cudnn_tune, cudnn_off, layout), out)


def Pooling(data=None, kernel=None, pool_type="max", global_pool=False, cudnn_off=False, pooling_convention="valid",
            stride=None, pad=None, p_value=None, count_include_pad=None, layout=None, out=None):
    """MXNet's ``Pooling``: see ``npx.pooling``."""
    return _write(_npx.pooling(_nd(data), kernel, pool_type, global_pool, cudnn_off, pooling_convention, stride, pad,
                               p_value, count_include_pad, layout), out)


def BatchNorm(data=None, gamma=None, beta=None, moving_mean=None, moving_var=None, eps=1e-3, momentum=0.9,
              fix_gamma=True, use_global_stats=False, output_mean_var=False, axis=1, cudnn_off=False, out=None):
    """MXNet's ``BatchNorm``: see ``npx.batch_norm``. With ``output_mean_var`` a list
    ``[out, mean, 1/sqrt(var + eps)]``."""
    result = _npx.batch_norm(_nd(data), gamma, beta, moving_mean, moving_var, eps, momentum, fix_gamma,
                             use_global_stats, output_mean_var, axis, cudnn_off)
    return list(result) if output_mean_var else _write(result, out)


def InstanceNorm(data=None, gamma=None, beta=None, eps=1e-3, out=None):
    """Normalizes each sample's channel (axis 1) over the spatial axes, then scales by
    ``gamma`` and shifts by ``beta`` (one value per channel).

    >>> from deepblocks import nd
    >>> nd.InstanceNorm(nd.array([[[1.0, 3.0]]]), nd.ones(1), nd.zeros(1), eps=0).asnumpy()
    array([[[-1.,  1.]]], dtype=float32)
    """
    return _write(_npx_nn._instance_norm(_nd(data), gamma, beta, 1, eps), out)


def GroupNorm(data=None, gamma=None, beta=None, num_groups=1, eps=1e-5, output_mean_var=False, out=None):
    """Normalizes groups of channels: see ``gluon.nn.GroupNorm`` (``gamma`` and ``beta`` hold
    one value per group, as in MXNet 1.x)."""
    if output_mean_var:
        raise NotImplementedError("GroupNorm: output_mean_var=True is not supported")
    return _write(_npx_nn._group_norm(_nd(data), gamma, beta, num_groups, eps), out)


def pad(data=None, mode="constant", pad_width=None, constant_value=0.0, out=None):
    """MXNet's legacy ``pad``: ``pad_width`` is flat, ``(before_0, after_0, before_1, after_1,
    ...)``, two numbers per axis (MXNet pads only the spatial axes of 4-D and 5-D data, so
    the first four are 0 there); ``mode`` 'constant', 'edge' or 'reflect' (and 'symmetric')."""
    x = _nd(data)
    if pad_width is None or len(pad_width) != 2 * x.ndim:
        raise ValueError(f"pad: pad_width must have two values per axis ({2 * x.ndim} for shape {x.shape}), "
                         f"got {pad_width!r}")
    pairs = tuple(zip(pad_width[0::2], pad_width[1::2]))
    return _write(_np.pad(x, pairs, mode, constant_values=constant_value), out)


def FullyConnected(data=None, weight=None, bias=None, num_hidden=None, no_bias=False, flatten=True, out=None):
    """MXNet's ``FullyConnected``: ``data @ weight.T + bias``; see ``npx.fully_connected``."""
    return _write(_npx.fully_connected(_nd(data), weight, bias, num_hidden, no_bias, flatten), out)


def Dropout(data=None, p=0.5, mode="training", axes=(), cudnn_off=False, out=None):
    """MXNet's ``Dropout``: active in training (``mode='always'``: always); see ``npx.dropout``."""
    return _write(_npx.dropout(_nd(data), p, axes, mode, cudnn_off), out)


def Embedding(data=None, weight=None, input_dim=None, output_dim=None, dtype="float32", sparse_grad=False,
              out=None):
    """MXNet's ``Embedding``: the rows of ``weight`` at the indices ``data``; see ``npx.embedding``."""
    return _write(_npx.embedding(_nd(data), weight, input_dim, output_dim, dtype, sparse_grad), out)


def LayerNorm(data=None, gamma=None, beta=None, axis=-1, eps=1e-5, output_mean_var=False, out=None):
    """MXNet's ``LayerNorm``: see ``npx.layer_norm`` (``[out, mean, std]`` with ``output_mean_var``)."""
    result = _npx.layer_norm(_nd(data), gamma, beta, axis, eps, output_mean_var)
    return [_nd(r) for r in result] if output_mean_var else _write(result, out)


def LeakyReLU(data=None, gamma=None, act_type="leaky", slope=0.25, lower_bound=0.125, upper_bound=0.334,
              out=None):
    """MXNet's ``LeakyReLU`` family ('leaky', 'prelu' with ``gamma``, 'elu', 'selu', 'gelu'); see
    ``npx.leaky_relu`` ('rrelu' is not supported)."""
    return _write(_npx.leaky_relu(_nd(data), act_type, slope, gamma), out)
