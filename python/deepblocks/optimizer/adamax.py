"""AdaMax, Adam with the infinity norm (MXNet 1.9.1's ``Adamax``).

>>> from deepblocks import np, optimizer
>>> opt = optimizer.Adamax(learning_rate=0.1)
>>> w = np.array([1.0, -1.0])
>>> m, u = opt.create_state(0, w)
>>> opt.update(0, w, np.array([0.5, -2.0]), (m, u))
>>> w.round(6)                      # the first step moves each weight by lr
array([ 0.9, -0.9])
>>> u                               # max(beta2 * u, |grad|)
array([0.5, 2. ])
"""

from .. import numpy as _dnp
from ..ndarray.optimizer_ops import _unrecorded, _view
from .optimizer import Optimizer, _zeros_like, register

__all__ = ["Adamax"]


@register
class Adamax(Optimizer):
    """The AdaMax optimizer (Kingma & Ba, https://arxiv.org/abs/1412.6980, section 7).

    At step ``t`` of a parameter, with ``g = clip(rescale_grad * grad + wd * weight,
    clip_gradient)``::

        m = beta1 * m + (1 - beta1) * g
        u = maximum(beta2 * u, abs(g))
        weight -= learning_rate / (1 - beta1**t) * m / u

    The state is ``(m, u)``.

    Parameters
    ----------
    learning_rate : float, default 0.002
    beta1 : float, default 0.9
        Decay of the first-moment estimate.
    beta2 : float, default 0.999
        Decay of the infinity-norm estimate.
    """

    def __init__(self, learning_rate=0.002, beta1=0.9, beta2=0.999, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2

    def create_state(self, index, weight):
        return (_zeros_like(weight), _zeros_like(weight))

    @_unrecorded
    def _step(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        b1, b2 = float(self.beta1), float(self.beta2)
        lr /= 1.0 - b1 ** self._index_update_count[index]
        w = _view(weight)
        g = self._clipped_grad(_view(grad), w * wd)
        m, u = (_view(s) for s in state)
        m[...] = m * b1 + g * (1.0 - b1)
        u[...] = _dnp.maximum(u * b2, _dnp.abs(g))
        w[...] = w - m * lr / u
