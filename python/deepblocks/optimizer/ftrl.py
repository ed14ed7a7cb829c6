"""FTRL-Proximal (MXNet 1.9.1's ``Ftrl``).

>>> from deepblocks import np, optimizer
>>> opt = optimizer.Ftrl(lamda1=0.01, learning_rate=0.1, beta=1)
>>> w = np.array([1.0, -1.0])
>>> z, n = opt.create_state(0, w)
>>> opt.update(0, w, np.array([0.5, -2.0]), (z, n))
>>> n                               # the sum of squared gradients
array([0.25, 4.  ])
"""

from ..ndarray import optimizer_ops as _ops
from .optimizer import Optimizer, _zeros_like, register

__all__ = ["Ftrl"]


@register
class Ftrl(Optimizer):
    """The FTRL-Proximal optimizer (McMahan et al., "Ad Click Prediction: a View from the
    Trenches", https://dl.acm.org/citation.cfm?id=2488200), with per-coordinate learning
    rates ``lr / (beta + sqrt(n))`` and L1 regularization that makes weights exactly 0.

    With ``g = clip(rescale_grad * grad, clip_gradient)``::

        z += g - (sqrt(n + g**2) - sqrt(n)) * weight / lr
        n += g**2
        weight = (sign(z) * lamda1 - z) / ((beta + sqrt(n)) / lr + wd) * (abs(z) > lamda1)

    (``nd.ftrl_update``). The state is ``(z, n)``, in the weight's dtype (MXNet makes them
    float32, so its Ftrl fails on float64 weights).

    Parameters
    ----------
    lamda1 : float, default 0.01
        The L1 regularization coefficient.
    learning_rate : float, default 0.1
        As in MXNet, it does not replace an ``lr_scheduler``'s own ``base_lr``.
    beta : float, default 1
    """

    def __init__(self, lamda1=0.01, learning_rate=0.1, beta=1, **kwargs):
        super().__init__(**kwargs)
        self.lamda1 = lamda1
        self.beta = beta
        self.lr = learning_rate

    def create_state(self, index, weight):
        return (_zeros_like(weight), _zeros_like(weight))

    def _step(self, index, weight, grad, state):
        self._update_count(index)
        z, n = state
        _ops.ftrl_update(weight, grad, z, n, lr=self._get_lr(index), lamda1=self.lamda1, beta=self.beta,
                         wd=self._get_wd(index), rescale_grad=self.rescale_grad,
                         clip_gradient=self.clip_gradient or -1.0, out=weight)
