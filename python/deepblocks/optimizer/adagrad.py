"""AdaGrad (MXNet 1.9.1's ``AdaGrad``, dense update).

>>> from deepblocks import np, optimizer
>>> opt = optimizer.AdaGrad(learning_rate=0.1)
>>> w = np.array([1.0, 1.0])
>>> history = opt.create_state(0, w)
>>> opt.update(0, w, np.array([2.0, -3.0]), history)
>>> history
array([4., 9.])
"""

from .. import _core
from .optimizer import Optimizer, _zeros_like, register

__all__ = ["AdaGrad"]


@register
class AdaGrad(Optimizer):
    """The AdaGrad optimizer (Duchi et al., http://www.jmlr.org/papers/volume12/duchi11a/duchi11a.pdf).

    With ``g = clip(rescale_grad * grad, clip_gradient)``::

        history += g**2
        weight -= lr * (g / sqrt(history + eps) + wd * weight)

    The state is ``history``.

    Parameters
    ----------
    eps : float, default 1e-7
        Added to the history under the square root.
    """

    def __init__(self, eps=1e-7, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index, weight):
        return _zeros_like(weight)

    def _step(self, index, weight, grad, state):
        self._update_count(index)
        # MXNet's AdaGrad clips whenever clip_gradient is not None (even 0), unlike the others.
        _core.adagrad_update(weight, grad, state, self._get_lr(index), self._get_wd(index), self.float_stable_eps,
                             self.rescale_grad, self.clip_gradient)
