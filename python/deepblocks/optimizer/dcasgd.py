"""Delay-compensated asynchronous SGD (MXNet 1.9.1's ``DCASGD``).

>>> from deepblocks import np, optimizer
>>> opt = optimizer.DCASGD(learning_rate=0.1, lamda=0.04)
>>> w = np.array([1.0, -1.0])
>>> mom, previous = opt.create_state(0, w)
>>> opt.update(0, w, np.array([0.5, -2.0]), (mom, previous))
>>> w, previous                     # the first step is plain SGD; the old weight is kept
(array([ 0.95, -0.8 ]), array([ 1., -1.]))
"""

from ..ndarray.optimizer_ops import _unrecorded, _view
from .optimizer import Optimizer, _zeros_like, register

__all__ = ["DCASGD"]


@register
class DCASGD(Optimizer):
    """The DCASGD optimizer (Zheng et al., https://arxiv.org/abs/1609.08326): SGD whose
    gradient is corrected for the change of the weight since the previous update, a cheap
    approximation of the Hessian's effect (``lamda * g * g``) for stale gradients.

    With ``g = clip(rescale_grad * grad, clip_gradient)``::

        step = -lr * (g + wd * weight + lamda * g * g * (weight - previous))
        mom = momentum * mom + step          (mom = step when momentum is 0)
        previous = weight;  weight += mom

    The state is ``(mom, previous)``; ``mom`` is None when momentum is 0. (MXNet 1.9.1
    tests ``if mom:`` on the momentum array, which fails for a non-zero momentum on any
    weight with more than one element; here the momentum form works.)

    Parameters
    ----------
    momentum : float, default 0.0
    lamda : float, default 0.04
        Scale of the delay compensation.
    """

    def __init__(self, momentum=0.0, lamda=0.04, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.weight_previous = {}
        self.lamda = lamda

    def create_state(self, index, weight):
        mom = _zeros_like(weight) if self.momentum != 0.0 else None
        return (mom, weight.copy())

    @_unrecorded
    def _step(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        w = _view(weight)
        g = self._clipped_grad(_view(grad))
        mom, previous = state
        previous = _view(previous)
        step = (g + w * wd + g * g * (w - previous) * float(self.lamda)) * -lr
        if mom is not None:
            mom = _view(mom)
            mom[...] = mom * float(self.momentum) + step
            step = mom
        previous[...] = w
        w[...] = w + step
