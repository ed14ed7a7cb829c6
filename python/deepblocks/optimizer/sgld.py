"""Stochastic gradient Langevin dynamics (MXNet 1.9.1's ``SGLD``).

>>> from deepblocks import np, optimizer
>>> opt = optimizer.SGLD(learning_rate=1e-4)
>>> w = np.zeros(10000)
>>> opt.update(0, w, np.ones(10000), None)
>>> bool(abs(float(w.mean()) + 5e-5) < 1e-3), bool(abs(float(w.std()) - 1e-2) < 1e-3)
(True, True)
"""

import math

from .. import numpy as _dnp
from ..ndarray.optimizer_ops import _unrecorded, _view
from .optimizer import Optimizer, _base_dtype, register

__all__ = ["SGLD"]


@register
class SGLD(Optimizer):
    """Stochastic gradient Langevin dynamics (Welling & Teh, 2011; MXNet cites Patterson & Teh,
    https://papers.nips.cc/paper/4883): a half gradient step plus Gaussian noise whose variance
    is the learning rate, so the weights sample the posterior instead of settling at a mode.

    With ``g = clip(rescale_grad * grad, clip_gradient)``::

        weight += -lr / 2 * (g + wd * weight) + normal(0, sqrt(lr))

    The noise comes from deepblocks' global generator (``mx.random.seed``). No state.
    """

    def create_state(self, index, weight):
        return None

    @_unrecorded
    def _step(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        w = _view(weight)
        g = self._clipped_grad(_view(grad))
        w[...] = w - (g + w * wd) * (lr / 2)
        w[...] = w + _dnp.random.normal(0.0, math.sqrt(lr), size=w.shape, dtype=_base_dtype(w), device=w.ctx)
