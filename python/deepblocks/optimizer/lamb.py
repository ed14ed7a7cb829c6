"""LAMB, layer-wise adaptive moments (MXNet 1.9.1's ``LAMB``).

>>> from deepblocks import np, optimizer
>>> opt = optimizer.LAMB(learning_rate=0.1)
>>> w = np.array([3.0, 4.0])
>>> state = opt.create_state(0, w)
>>> opt.update(0, w, np.array([0.5, -2.0]), state)
>>> w.round(4)                      # the step is lr * |w| = 0.5 long, in Adam's direction
array([2.6464, 4.3536])
"""

from .. import numpy as _dnp
from ..ndarray import optimizer_ops as _ops
from .optimizer import Optimizer, _zeros_like, register

__all__ = ["LAMB"]


@register
class LAMB(Optimizer):
    """The LAMB optimizer (You et al., https://arxiv.org/abs/1904.00962): Adam's direction,
    scaled per parameter by the ratio of the weight's norm to the direction's norm.

    At step ``t`` of a parameter, with ``g = clip(rescale_grad * grad, clip_gradient)``::

        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        d = m_hat / (sqrt(v_hat) + epsilon) + wd * weight
        r1 = clip(norm(weight), lower_bound, upper_bound);  r2 = norm(d)
        weight -= learning_rate * (r1 / r2 if r1 > 0 and r2 > 0 else 1) * d

    with ``m_hat = m / (1 - beta1**t)`` and ``v_hat = v / (1 - beta2**t)`` when
    ``bias_correction``, else ``m`` and ``v``: ``nd.lamb_update_phase1`` and
    ``nd.lamb_update_phase2``. The state is ``(m, v)``.

    Parameters
    ----------
    learning_rate : float, default 0.001
    beta1 : float, default 0.9
    beta2 : float, default 0.999
    epsilon : float, default 1e-6
    lower_bound, upper_bound : float, optional
        Limits of the weight norm ``r1`` (unset, or 0, means no limit, as in MXNet).
    bias_correction : bool, default True
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-6, lower_bound=None, upper_bound=None,
                 bias_correction=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound
        self.bias_correction = bias_correction

    def create_state(self, index, weight):
        return (_zeros_like(weight), _zeros_like(weight))

    def _step(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        mean, var = state
        # MXNet passes the clip and the bounds to its kernels only when they are truthy.
        d = _ops.lamb_update_phase1(weight, grad, mean, var, beta1=self.beta1, beta2=self.beta2, epsilon=self.epsilon,
                                    t=self._index_update_count[index], bias_correction=self.bias_correction, wd=wd,
                                    rescale_grad=self.rescale_grad, clip_gradient=self.clip_gradient or -1.0)
        r1, r2 = _dnp.linalg.norm(_ops._view(weight)), _dnp.linalg.norm(_ops._view(d))
        _ops.lamb_update_phase2(weight, d, r1, r2, lr=lr, lower_bound=self.lower_bound or -1.0,
                                upper_bound=self.upper_bound or -1.0, out=weight)
