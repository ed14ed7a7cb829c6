"""Adam (MXNet 1.9.1's ``Adam``) and AdamW with decoupled weight decay (MXNet 2.0's ``AdamW``).

>>> from deepblocks import np, optimizer
>>> opt = optimizer.Adam(learning_rate=0.1)
>>> w = np.array([1.0, -1.0])
>>> state = opt.create_state(0, w)
>>> opt.update(0, w, np.array([0.5, -2.0]), state)
>>> w.round(4)                      # the first step moves each weight by about lr
array([ 0.9, -0.9])
"""

import math

from .. import _core
from .optimizer import Optimizer, _zeros_like, register

__all__ = ["Adam", "AdamW"]


@register
class Adam(Optimizer):
    """The Adam optimizer (Kingma & Ba, https://arxiv.org/abs/1412.6980).

    At step ``t`` of a parameter::

        g = clip(rescale_grad * grad + wd * weight, clip_gradient)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        lr_t = learning_rate * sqrt(1 - beta2**t) / (1 - beta1**t)
        weight -= lr_t * m / (sqrt(v) + epsilon)

    The state is ``(m, v)``.

    Parameters
    ----------
    learning_rate : float, default 0.001
    beta1 : float, default 0.9
        Decay of the first-moment estimate.
    beta2 : float, default 0.999
        Decay of the second-moment estimate.
    epsilon : float, default 1e-8
    lazy_update : bool, default True
        Accepted for MXNet compatibility (sparse gradients only).
    """

    _kernel = staticmethod(_core.adam_update)
    correct_bias = True

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, lazy_update=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lazy_update = lazy_update

    def create_state(self, index, weight):
        return (_zeros_like(weight), _zeros_like(weight))

    def _step(self, index, weight, grad, state):
        self._update_count(index)
        lr = self._get_lr(index)
        if self.correct_bias:
            t = self._index_update_count[index]
            lr *= math.sqrt(1.0 - self.beta2**t) / (1.0 - self.beta1**t)
        mean, var = state
        self._kernel(weight, grad, mean, var, lr, self._get_wd(index), self.beta1, self.beta2, self.epsilon,
                     self.rescale_grad, self._clip())


@register
class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, https://arxiv.org/abs/1711.05101),
    as MXNet 2.0's ``AdamW``.

    At step ``t`` of a parameter::

        g = clip(rescale_grad * grad, clip_gradient)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        lr_t = learning_rate * sqrt(1 - beta2**t) / (1 - beta1**t)   # if correct_bias
        weight -= lr_t * (m / (sqrt(v) + epsilon) + wd * weight)

    The decay is scaled by the same (bias-corrected) rate as the step, and ``epsilon`` is
    added to ``sqrt(v)``, as in MXNet (PyTorch's AdamW scales the decay by the plain rate
    and adds ``epsilon`` to the corrected ``sqrt(v)``).

    Parameters
    ----------
    learning_rate : float, default 0.001
    beta1 : float, default 0.9
    beta2 : float, default 0.999
    epsilon : float, default 1e-6
    correct_bias : bool, default True
        Apply Adam's bias correction to the learning rate.
    """

    _kernel = staticmethod(_core.adamw_update)

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-6, correct_bias=True, **kwargs):
        super().__init__(learning_rate=learning_rate, beta1=beta1, beta2=beta2, epsilon=epsilon, **kwargs)
        self.correct_bias = correct_bias
