"""FTML, "Follow the Moving Leader" (MXNet 1.9.1's ``FTML``).

>>> from deepblocks import np, optimizer
>>> opt = optimizer.FTML(learning_rate=0.1)
>>> w = np.array([1.0, -1.0])
>>> d, v, z = opt.create_state(0, w)
>>> opt.update(0, w, np.array([0.5, -2.0]), (d, v, z))
>>> w.round(4)                      # the first step moves each weight by about lr
array([ 0.9, -0.9])
"""

from ..ndarray import optimizer_ops as _ops
from .optimizer import Optimizer, _zeros_like, register

__all__ = ["FTML"]


@register
class FTML(Optimizer):
    """The FTML optimizer (Zheng & Kwok, http://proceedings.mlr.press/v70/zheng17a/zheng17a.pdf).

    At step ``t`` of a parameter, with ``g = clip(rescale_grad * grad + wd * weight,
    clip_gradient)``::

        v = beta2 * v + (1 - beta2) * g**2
        d_t = (1 - beta1**t) / lr * (sqrt(v / (1 - beta2**t)) + epsilon)
        z = beta1 * z + (1 - beta1) * g - (d_t - beta1 * d) * weight
        d = d_t;  weight = -z / d

    (``nd.ftml_update``). The state is ``(d, v, z)``.

    Parameters
    ----------
    beta1 : float, default 0.6
    beta2 : float, default 0.999
    epsilon : float, default 1e-8
    """

    def __init__(self, beta1=0.6, beta2=0.999, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon

    def create_state(self, index, weight):
        return (_zeros_like(weight), _zeros_like(weight), _zeros_like(weight))

    def _step(self, index, weight, grad, state):
        self._update_count(index)
        d, v, z = state
        _ops.ftml_update(weight, grad, d, v, z, lr=self._get_lr(index), beta1=self.beta1, beta2=self.beta2,
                         epsilon=self.epsilon, t=self._index_update_count[index], wd=self._get_wd(index),
                         rescale_grad=self.rescale_grad, clip_grad=self.clip_gradient or -1.0, out=weight)
