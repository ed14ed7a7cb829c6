"""Normalization layers: ``BatchNorm`` and ``LayerNorm``.

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
from .basic_layers import param_value

__all__ = ["BatchNorm", "LayerNorm"]


class BatchNorm(HybridBlock):
    """Batch normalization over every axis but ``axis`` (channels): batch statistics while
    training, running statistics (updated with ``momentum``) in prediction."""

    def __init__(self, axis=1, momentum=0.9, epsilon=1e-5, center=True, scale=True, use_global_stats=False,
                 beta_initializer="zeros", gamma_initializer="ones", running_mean_initializer="zeros",
                 running_variance_initializer="ones", in_channels=0, **kwargs):
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
        return _npx.batch_norm(x, param_value(self.gamma, x), param_value(self.beta, x),
                               param_value(self.running_mean, x), param_value(self.running_var, x),
                               eps=self._epsilon, momentum=self._momentum, fix_gamma=not self._scale,
                               use_global_stats=self._use_global_stats, axis=self._axis)

    def __repr__(self):
        c = self.gamma.shape[0] or None     # MXNet prints None for legacy mode's unknown 0 (np mode: -1)
        return (f"{self.__class__.__name__}(axis={self._axis}, eps={self._epsilon}, momentum={self._momentum}, "
                f"fix_gamma={not self._scale}, use_global_stats={self._use_global_stats}, in_channels={c})")


class LayerNorm(HybridBlock):
    """Normalizes each sample over ``axis``, then applies a learned scale and shift."""

    def __init__(self, axis=-1, epsilon=1e-5, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", in_channels=0, **kwargs):
        super().__init__(**kwargs)
        self._axis = axis
        self._epsilon = epsilon
        self._center = center
        self._scale = scale
        self.gamma = self.params.get("gamma", grad_req="write" if scale else "null", shape=(in_channels,),
                                     init=gamma_initializer, allow_deferred_init=True)
        self.beta = self.params.get("beta", grad_req="write" if center else "null", shape=(in_channels,),
                                    init=beta_initializer, allow_deferred_init=True)

    def infer_shape(self, x, *args):
        c = x.shape[self._axis]
        self.gamma.shape = (c,)
        self.beta.shape = (c,)

    def forward(self, x):
        gamma = param_value(self.gamma, x) if self._scale else None
        beta = param_value(self.beta, x) if self._center else None
        return _npx.layer_norm(x, gamma, beta, axis=self._axis, eps=self._epsilon)

    def __repr__(self):
        c = self.gamma.shape[0]
        return (f"{self.__class__.__name__}(eps={self._epsilon}, axis={self._axis}, center={self._center}, "
                f"scale={self._scale}, in_channels={c})")
