"""Signum and signSGD, steps of fixed size in the direction of the sign of the momentum or
gradient (MXNet 1.9.1's ``Signum``).

>>> from deepblocks import np, optimizer
>>> opt = optimizer.Signum(learning_rate=0.1, momentum=0.9)
>>> w = np.array([1.0, -1.0])
>>> mom = opt.create_state(0, w)
>>> opt.update(0, w, np.array([0.5, -2.0]), mom)
>>> w                               # each weight moves by lr against its gradient's sign
array([ 0.9, -0.9])
"""

from ..ndarray import optimizer_ops as _ops
from .optimizer import Optimizer, _zeros_like, register

__all__ = ["Signum"]


@register
class Signum(Optimizer):
    """The Signum optimizer (Bernstein et al., https://arxiv.org/abs/1802.04434).

    With ``g = clip(rescale_grad * grad, clip_gradient) + wd * weight``::

        momentum != 0:  state = momentum * state - (1 - momentum) * g
                        weight = (1 - lr * wd_lh) * weight + lr * sign(state)
        momentum == 0:  weight = (1 - lr * wd) * weight - lr * sign(grad)    (signSGD)

    (``nd.signum_update`` and ``nd.signsgd_update``). The state is the momentum, or None.

    Parameters
    ----------
    learning_rate : float, default 0.01
    momentum : float, default 0.9
    wd_lh : float, default 0.0
        Decoupled weight decay (Loshchilov & Hutter, https://arxiv.org/abs/1711.05101).
    """

    def __init__(self, learning_rate=0.01, momentum=0.9, wd_lh=0.0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum
        self.wd_lh = wd_lh

    def create_state(self, index, weight):
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _step(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        kwargs = dict(lr=lr, wd=wd, rescale_grad=self.rescale_grad, clip_gradient=self.clip_gradient or -1.0,
                      out=weight)
        if state is None:
            _ops.signsgd_update(weight, grad, **kwargs)
        else:
            # MXNet passes a negative momentum as the operator's default, 0.
            _ops.signum_update(weight, grad, state, momentum=max(self.momentum, 0.0), wd_lh=self.wd_lh or 0.0,
                               **kwargs)
