"""SGD with momentum and weight decay, and Nesterov's accelerated gradient (MXNet 1.9.1's
``SGD`` and ``NAG``).

>>> from deepblocks import np, optimizer
>>> opt = optimizer.NAG(learning_rate=0.1, momentum=0.9)
>>> w, g = np.array([1.0]), np.array([1.0])
>>> mom = opt.create_state(0, w)
>>> opt.update(0, w, g, mom)
>>> w, mom                          # w -= lr * g * (1 + momentum); mom holds -lr * g
(array([0.81]), array([-0.1]))
"""

from .. import _core
from .optimizer import Optimizer, _zeros_like, register

__all__ = ["SGD", "NAG"]


@register
class SGD(Optimizer):
    """Stochastic gradient descent with momentum and weight decay.

    With ``g = clip(rescale_grad * grad, clip_gradient)``::

        momentum == 0:  weight -= lr * (g + wd * weight)
        otherwise:      state = momentum * state - lr * (g + wd * weight)
                        weight += state

    Parameters
    ----------
    momentum : float, default 0.0
        The momentum; 0 keeps no state.
    lazy_update : bool, default True
        Accepted for MXNet compatibility (it concerns sparse gradients, which deepblocks
        does not have).
    nesterov : bool, default False
        Use Nesterov's momentum, as ``NAG`` does (a deepblocks extension, PyTorch's spelling).
    """

    def __init__(self, momentum=0.0, lazy_update=True, nesterov=False, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.lazy_update = lazy_update
        self.nesterov = nesterov

    def create_state(self, index, weight):
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _step(self, index, weight, grad, state):
        self._update_count(index)
        _core.sgd_update(weight, grad, state, self._get_lr(index), self._get_wd(index), self.momentum,
                         self.rescale_grad, self._clip(), self.nesterov)


@register
class NAG(SGD):
    """Nesterov accelerated gradient.

    With ``G = clip(rescale_grad * grad, clip_gradient) + wd * weight``::

        state = momentum * state - lr * G
        weight += momentum * state - lr * G

    This is MXNet's ``nag_mom_update`` kernel: the state holds the learning rate, as SGD's
    does. For a constant learning rate it equals MXNet's documented form
    ``state = momentum * state + G; weight -= lr * (G + momentum * state)`` with the state
    scaled by ``-lr``. Without momentum it is plain SGD.

    Parameters
    ----------
    momentum : float, default 0.0
        The momentum; 0 keeps no state.
    """

    def __init__(self, momentum=0.0, **kwargs):
        kwargs.pop("nesterov", None)
        super().__init__(momentum=momentum, nesterov=True, **kwargs)
