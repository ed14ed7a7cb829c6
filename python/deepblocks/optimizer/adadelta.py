"""AdaDelta (MXNet 1.9.1's ``AdaDelta``).

>>> from deepblocks import np, optimizer
>>> opt = optimizer.AdaDelta(rho=0.9, epsilon=1e-5)
>>> w = np.array([1.0, -1.0])
>>> acc_g, acc_delta = opt.create_state(0, w)
>>> opt.update(0, w, np.array([0.5, -2.0]), (acc_g, acc_delta))
>>> acc_g                           # (1 - rho) * grad**2
array([0.025, 0.4  ])
"""

from .. import numpy as _dnp
from ..ndarray.optimizer_ops import _unrecorded, _view
from .optimizer import Optimizer, _zeros_like, register

__all__ = ["AdaDelta"]


@register
class AdaDelta(Optimizer):
    """The AdaDelta optimizer (Zeiler, https://arxiv.org/abs/1212.5701): no learning rate,
    the step size comes from running averages of squared gradients and squared steps.

    With ``g = clip(rescale_grad * grad, clip_gradient)``::

        acc_g = rho * acc_g + (1 - rho) * g**2
        delta = sqrt(acc_delta + epsilon) / sqrt(acc_g + epsilon) * g
        acc_delta = rho * acc_delta + (1 - rho) * delta**2
        weight -= delta + wd * weight

    The state is ``(acc_g, acc_delta)``, in the weight's dtype (MXNet makes them float32,
    so its AdaDelta fails on float64 weights). As in MXNet, the update multiplies the
    caller's gradient array by ``rescale_grad`` in place.

    Parameters
    ----------
    rho : float, default 0.9
        Decay of both running averages.
    epsilon : float, default 1e-5
    """

    def __init__(self, rho=0.90, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def create_state(self, index, weight):
        return (_zeros_like(weight), _zeros_like(weight))

    @_unrecorded
    def _step(self, index, weight, grad, state):
        wd = self._get_wd(index)
        self._update_count(index)
        rho, eps = float(self.rho), float(self.epsilon)
        w, g = _view(weight), _view(grad)
        g[...] = g * float(self.rescale_grad)
        if self.clip_gradient is not None:
            g = _dnp.clip(g, -self.clip_gradient, self.clip_gradient)
        acc_g, acc_delta = (_view(s) for s in state)
        acc_g[...] = acc_g * rho + g * g * (1.0 - rho)
        delta = _dnp.sqrt(acc_delta + eps) / _dnp.sqrt(acc_g + eps) * g
        acc_delta[...] = acc_delta * rho + delta * delta * (1.0 - rho)
        w[...] = w - (delta + w * wd)
