"""RMSProp, plain (Tieleman & Hinton) and centered (Graves), as MXNet 1.9.1's ``RMSProp``.

>>> from deepblocks import np, optimizer
>>> opt = optimizer.RMSProp(learning_rate=0.01, centered=True)
>>> w = np.array([1.0, 2.0])
>>> n, g, delta = opt.create_state(0, w)
>>> opt.update(0, w, np.array([1.0, -1.0]), (n, g, delta))
>>> n, g
(array([0.1, 0.1]), array([ 0.1, -0.1]))
"""

from .. import _core
from .optimizer import Optimizer, _zeros_like, register

__all__ = ["RMSProp"]


@register
class RMSProp(Optimizer):
    """The RMSProp optimizer.

    With ``g = clip(rescale_grad * grad + wd * weight, clip_gradient)``::

        n = gamma1 * n + (1 - gamma1) * g**2
        centered=False:  weight -= lr * g / sqrt(n + epsilon)
        centered=True:   m = gamma1 * m + (1 - gamma1) * g
                         delta = gamma2 * delta - lr * g / sqrt(n - m**2 + epsilon)
                         weight += delta

    then ``weight`` is clipped to ``[-clip_weights, clip_weights]`` when ``clip_weights`` is
    set. The state is ``(n,)``, or ``(n, m, delta)`` when centered.

    Parameters
    ----------
    learning_rate : float, default 0.001
    gamma1 : float, default 0.9
        Decay of the moving averages.
    gamma2 : float, default 0.9
        Momentum of the centered version.
    epsilon : float, default 1e-8
    centered : bool, default False
        Graves's centered version instead of Tieleman & Hinton's.
    clip_weights : float, optional
        Clips the updated weights to ``[-clip_weights, clip_weights]``.
    """

    def __init__(self, learning_rate=0.001, gamma1=0.9, gamma2=0.9, epsilon=1e-8, centered=False, clip_weights=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1 = gamma1
        self.gamma2 = gamma2
        self.centered = centered
        self.epsilon = epsilon
        self.clip_weights = clip_weights

    def create_state(self, index, weight):
        if self.centered:
            return (_zeros_like(weight), _zeros_like(weight), _zeros_like(weight))
        return (_zeros_like(weight),)

    def _step(self, index, weight, grad, state):
        self._update_count(index)
        if self.centered:
            n, g, delta = state
        else:
            (n,) = state
            g = delta = None
        _core.rmsprop_update(weight, grad, n, g, delta, self._get_lr(index), self._get_wd(index), self.gamma1,
                             self.gamma2, self.epsilon, self.rescale_grad, self._clip(), self.clip_weights or None)
