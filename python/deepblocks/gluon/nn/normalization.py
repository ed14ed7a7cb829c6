"""Normalization layers: ``BatchNorm``, ``LayerNorm``, ``InstanceNorm`` and ``GroupNorm``.

>>> from deepblocks import np, npx, autograd
>>> from deepblocks.gluon import nn
>>> npx.set_np()
>>> bn = nn.BatchNorm()
>>> bn
BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, in_channels=-1)
>>> bn.initialize()
>>> with autograd.record():
...     y = bn(np.array([[1.0, 2.0], [3.0, 6.0]]))
>>> y.round(3)
array([[-1., -1.],
       [ 1.,  1.]])
"""

from ... import numpy_extension as _npx
from ..block import HybridBlock
from ._checks import check_count, check_input_dtype, check_number
from .basic_layers import param_value

__all__ = ["BatchNorm", "BatchNormReLU", "LayerNorm", "InstanceNorm", "GroupNorm"]


class BatchNorm(HybridBlock):
    """Batch normalization over every axis but ``axis`` (channels): batch statistics while
    training, running statistics (updated with ``momentum``) in prediction. Any input of two
    or more dimensions: ``(N, C)`` after a Dense layer, ``(N, C, H, W)`` or
    ``(N, C, D, H, W)`` after a convolution. One engine operation, forward and backward.

    Parameters
    ----------
    axis
        The channel axis: statistics are taken over every other axis (1, channels first, by
        default).
    momentum
        Weight of the old value in the running mean and variance updates (``running = momentum *
        running + (1 - momentum) * batch``).
    epsilon
        Small number added to the variance to avoid division by zero.
    center
        Whether to add the learned offset ``beta``.
    scale
        Whether to multiply by the learned factor ``gamma``.
    use_global_stats
        Normalize with the running statistics in training too (as in prediction).
    beta_initializer
        Initializer of ``beta`` (zeros by default).
    gamma_initializer
        Initializer of ``gamma`` (ones by default).
    running_mean_initializer
        Initializer of the running mean (zeros by default).
    running_variance_initializer
        Initializer of the running variance (ones by default).
    in_channels
        The size of the normalized channel axis; 0 (the default) leaves it to the first forward
        pass.
    """

    def __init__(self, axis=1, momentum=0.9, epsilon=1e-5, center=True, scale=True, use_global_stats=False,
                 beta_initializer="zeros", gamma_initializer="ones", running_mean_initializer="zeros",
                 running_variance_initializer="ones", in_channels=0, **kwargs):
        _check_norm_args("BatchNorm", axis, epsilon, in_channels)
        check_number("BatchNorm", "momentum", momentum)
        super().__init__(**kwargs)
        self._axis = axis
        self._momentum = momentum
        self._epsilon = epsilon
        self._center = center
        self._scale = scale
        self._use_global_stats = use_global_stats
        self.gamma = self.params.get("gamma", grad_req="write" if scale else "null", shape=(in_channels,),
                                     init=gamma_initializer, allow_deferred_init=True, differentiable=scale)
        self.beta = self.params.get("beta", grad_req="write" if center else "null", shape=(in_channels,),
                                    init=beta_initializer, allow_deferred_init=True, differentiable=center)
        self.running_mean = self.params.get("running_mean", grad_req="null", shape=(in_channels,),
                                            init=running_mean_initializer, allow_deferred_init=True,
                                            differentiable=False)
        self.running_var = self.params.get("running_var", grad_req="null", shape=(in_channels,),
                                           init=running_variance_initializer, allow_deferred_init=True,
                                           differentiable=False)

    def infer_shape(self, x, *args):
        c = x.shape[self._axis]
        for p in (self.gamma, self.beta, self.running_mean, self.running_var):
            p.shape = (c,)

    def forward(self, x):
        gamma = param_value(self.gamma, x)
        check_input_dtype(x, gamma)
        return _npx.batch_norm(x, gamma, param_value(self.beta, x),
                               param_value(self.running_mean, x), param_value(self.running_var, x),
                               eps=self._epsilon, momentum=self._momentum, fix_gamma=not self._scale,
                               use_global_stats=self._use_global_stats, axis=self._axis)

    def __repr__(self):
        c = self.gamma.shape[0] or None     # MXNet prints None for legacy mode's unknown 0 (np mode: -1)
        return (f"{self.__class__.__name__}(axis={self._axis}, eps={self._epsilon}, momentum={self._momentum}, "
                f"fix_gamma={not self._scale}, use_global_stats={self._use_global_stats}, in_channels={c})")


class BatchNormReLU(BatchNorm):
    """``BatchNorm`` followed by ReLU (MXNet 1.9.1 fuses the two with MKL-DNN only and fails
    elsewhere; here it runs on every device). The arguments are ``BatchNorm``'s.

    >>> from deepblocks import nd
    >>> from deepblocks.gluon import nn
    >>> layer = nn.BatchNormReLU(in_channels=2)
    >>> layer.initialize()
    >>> layer(nd.array([[-1.0, 2.0], [3.0, -4.0]])).asnumpy().round(3).tolist()   # running statistics 0, 1
    [[0.0, 2.0], [3.0, 0.0]]

    Parameters
    ----------
    axis
        The channel axis: statistics are taken over every other axis (1, channels first, by
        default).
    momentum
        Weight of the old value in the running mean and variance updates (``running = momentum *
        running + (1 - momentum) * batch``).
    epsilon
        Small number added to the variance to avoid division by zero.
    center
        Whether to add the learned offset ``beta``.
    scale
        Whether to multiply by the learned factor ``gamma``.
    use_global_stats
        Normalize with the running statistics in training too (as in prediction).
    beta_initializer
        Initializer of ``beta`` (zeros by default).
    gamma_initializer
        Initializer of ``gamma`` (ones by default).
    running_mean_initializer
        Initializer of the running mean (zeros by default).
    running_variance_initializer
        Initializer of the running variance (ones by default).
    in_channels
        The size of the normalized channel axis; 0 (the default) leaves it to the first forward
        pass.
    """

    def forward(self, x):
        return _npx.relu(super().forward(x))


def _check_norm_args(owner, axis, epsilon, in_channels):
    check_count(owner, "axis", axis, minimum=None)
    check_number(owner, "epsilon", epsilon)
    check_count(owner, "in_channels", in_channels, minimum=0)


def _affine(block, shape, center, scale, gamma_initializer, beta_initializer):
    """Gives ``block`` its scale ``gamma`` and shift ``beta``; one switched off by ``scale`` or
    ``center`` keeps its initial value (``grad_req='null'``)."""
    block.gamma = block.params.get("gamma", grad_req="write" if scale else "null", shape=shape,
                                   init=gamma_initializer, allow_deferred_init=True)
    block.beta = block.params.get("beta", grad_req="write" if center else "null", shape=shape,
                                  init=beta_initializer, allow_deferred_init=True)


def _infer_channels(block, x):
    """``gamma`` and ``beta`` get one value per entry of ``x`` along ``block._axis``."""
    c = x.shape[block._axis]
    block.gamma.shape = (c,)
    block.beta.shape = (c,)


class LayerNorm(HybridBlock):
    """Normalizes each sample over ``axis``, then applies a learned scale and shift.

    Parameters
    ----------
    axis
        The axis normalized over (the last by default).
    epsilon
        Small number added to the variance to avoid division by zero.
    center
        Whether to add the learned offset ``beta``.
    scale
        Whether to multiply by the learned factor ``gamma``.
    beta_initializer
        Initializer of ``beta`` (zeros by default).
    gamma_initializer
        Initializer of ``gamma`` (ones by default).
    in_channels
        The size of the normalized channel axis; 0 (the default) leaves it to the first forward
        pass.
    """

    def __init__(self, axis=-1, epsilon=1e-5, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", in_channels=0, **kwargs):
        _check_norm_args("LayerNorm", axis, epsilon, in_channels)
        super().__init__(**kwargs)
        self._axis = axis
        self._epsilon = epsilon
        self._center = center
        self._scale = scale
        _affine(self, (in_channels,), center, scale, gamma_initializer, beta_initializer)

    def infer_shape(self, x, *args):
        _infer_channels(self, x)

    def forward(self, x):
        gamma = param_value(self.gamma, x) if self._scale else None
        if gamma is not None:
            check_input_dtype(x, gamma)
        beta = param_value(self.beta, x) if self._center else None
        return _npx.layer_norm(x, gamma, beta, axis=self._axis, eps=self._epsilon)

    def __repr__(self):
        c = self.gamma.shape[0]
        return (f"{self.__class__.__name__}(eps={self._epsilon}, axis={self._axis}, center={self._center}, "
                f"scale={self._scale}, in_channels={c})")


class InstanceNorm(HybridBlock):
    """Normalizes each sample's channel (``axis``) over its remaining axes, then applies a
    per-channel ``gamma`` and ``beta``. As in MXNet, ``scale=False`` (the default) only
    stops ``gamma`` from learning: its (initial) value still scales the output.

    >>> from deepblocks import np, npx
    >>> from deepblocks.gluon import nn
    >>> npx.set_np()
    >>> layer = nn.InstanceNorm()
    >>> layer.initialize()
    >>> layer(np.array([[[1.1, 2.2]], [[3.3, 4.4]]])).round(4)
    array([[[-1.,  1.]],
    <BLANKLINE>
           [[-1.,  1.]]])

    Parameters
    ----------
    axis
        The channel axis: statistics are taken over every other axis (1, channels first, by
        default).
    epsilon
        Small number added to the variance to avoid division by zero.
    center
        Whether to add the learned offset ``beta``.
    scale
        Whether to multiply by the learned factor ``gamma``.
    beta_initializer
        Initializer of ``beta`` (zeros by default).
    gamma_initializer
        Initializer of ``gamma`` (ones by default).
    in_channels
        The size of the normalized channel axis; 0 (the default) leaves it to the first forward
        pass.
    """

    def __init__(self, axis=1, epsilon=1e-5, center=True, scale=False, beta_initializer="zeros",
                 gamma_initializer="ones", in_channels=0, **kwargs):
        _check_norm_args("InstanceNorm", axis, epsilon, in_channels)
        super().__init__(**kwargs)
        self._kwargs = {"eps": epsilon, "axis": axis, "center": center, "scale": scale}
        self._axis = axis
        self._epsilon = epsilon
        _affine(self, (in_channels,), center, scale, gamma_initializer, beta_initializer)

    def infer_shape(self, x, *args):
        _infer_channels(self, x)

    def forward(self, x):
        gamma = param_value(self.gamma, x)
        check_input_dtype(x, gamma)
        return _npx.nn._instance_norm(x, gamma, param_value(self.beta, x), self._axis, self._epsilon)

    def __repr__(self):
        content = ", ".join(f"{k}={v!r}" for k, v in self._kwargs.items())
        return f"{self.__class__.__name__}({content}, in_channels={self.gamma.shape[0]})"


class GroupNorm(HybridBlock):
    """Splits the channels (axis 1) into ``num_groups`` groups and normalizes each sample's
    group over its channels and remaining axes. As in MXNet 1.x, ``gamma`` and ``beta`` hold
    one value per *group* (shape ``(num_groups,)``), so their shapes never wait for data.

    >>> from deepblocks import np, npx
    >>> from deepblocks.gluon import nn
    >>> npx.set_np()
    >>> layer = nn.GroupNorm(num_groups=2)
    >>> layer.initialize()
    >>> layer(np.array([[[0.0, 2.0], [4.0, 6.0], [1.0, 3.0], [5.0, 7.0]]])).round(3)
    array([[[-1.342, -0.447],
            [ 0.447,  1.342],
            [-1.342, -0.447],
            [ 0.447,  1.342]]])

    Parameters
    ----------
    num_groups
        The number of groups the channels are split into; each is normalized on its own.
    epsilon
        Small number added to the variance to avoid division by zero.
    center
        Whether to add the learned offset ``beta``.
    scale
        Whether to multiply by the learned factor ``gamma``.
    beta_initializer
        Initializer of ``beta`` (zeros by default).
    gamma_initializer
        Initializer of ``gamma`` (ones by default).
    prefix
        Display-name prefix of the parameters (default: the class name and a counter, e.g.
        ``groupnorm0_``).
    params
        A ``ParameterDict`` whose Parameters this Block shares (``params=other.params``).
    """

    def __init__(self, num_groups=1, epsilon=1e-5, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", prefix=None, params=None):
        check_count("GroupNorm", "num_groups", num_groups)
        check_number("GroupNorm", "epsilon", epsilon)
        super().__init__(prefix=prefix, params=params)
        self._kwargs = {"eps": epsilon, "num_groups": num_groups, "center": center, "scale": scale}
        self._num_groups = num_groups
        self._epsilon = epsilon
        _affine(self, (num_groups,), center, scale, gamma_initializer, beta_initializer)

    def forward(self, x):
        gamma = param_value(self.gamma, x)
        check_input_dtype(x, gamma)
        return _npx.nn._group_norm(x, gamma, param_value(self.beta, x), self._num_groups, self._epsilon)

    def __repr__(self):
        content = ", ".join(f"{k}={v!r}" for k, v in self._kwargs.items())
        return f"{self.__class__.__name__}({content})"
