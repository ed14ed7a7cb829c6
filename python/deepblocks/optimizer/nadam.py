"""Nadam, Adam with Nesterov momentum (MXNet 1.9.1's ``Nadam``).

>>> from deepblocks import np, optimizer
>>> opt = optimizer.Nadam(learning_rate=0.1)
>>> w = np.array([1.0, -1.0])
>>> state = opt.create_state(0, w)
>>> opt.update(0, w, np.array([0.5, -2.0]), state)
>>> w.round(4)
array([ 0.8944, -0.8944])
"""

from .. import numpy as _dnp
from ..ndarray.optimizer_ops import _unrecorded, _view
from .optimizer import Optimizer, _zeros_like, register

__all__ = ["Nadam"]


@register
class Nadam(Optimizer):
    """The Nesterov-accelerated Adam optimizer (Dozat,
    http://cs229.stanford.edu/proj2015/054_report.pdf).

    At step ``t`` of a parameter, with ``g = clip(rescale_grad * grad + wd * weight,
    clip_gradient)`` and the warming momentum schedule
    ``mu(t) = beta1 * (1 - 0.5 * 0.96**(t * schedule_decay))``::

        m_schedule *= mu(t)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_bar = (1 - mu(t)) * g / (1 - m_schedule)
                + mu(t + 1) * m / (1 - m_schedule * mu(t + 1))
        weight -= learning_rate * m_bar / (sqrt(v / (1 - beta2**t)) + epsilon)

    The state is ``(m, v)``. As in MXNet, ``m_schedule`` is one number kept by the optimizer
    and advanced by every update of every parameter.

    Parameters
    ----------
    learning_rate : float, default 0.001
    beta1 : float, default 0.9
    beta2 : float, default 0.999
    epsilon : float, default 1e-8
    schedule_decay : float, default 0.004
        Decay of the momentum schedule.
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, schedule_decay=0.004, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.schedule_decay = schedule_decay
        self.m_schedule = 1.0

    def create_state(self, index, weight):
        return (_zeros_like(weight), _zeros_like(weight))

    @_unrecorded
    def _step(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        t = self._index_update_count[index]
        b1, b2, eps, decay = float(self.beta1), float(self.beta2), float(self.epsilon), float(self.schedule_decay)
        w = _view(weight)
        g = self._clipped_grad(_view(grad), w * wd)
        mu_t = b1 * (1.0 - 0.5 * 0.96 ** (t * decay))
        mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * decay))
        self.m_schedule = self.m_schedule * mu_t
        m_schedule_next = self.m_schedule * mu_next
        m, v = (_view(s) for s in state)
        m[...] = m * b1 + g * (1.0 - b1)
        v[...] = v * b2 + g * g * (1.0 - b2)
        m_bar = g * ((1.0 - mu_t) / (1.0 - self.m_schedule)) + m * (mu_next / (1.0 - m_schedule_next))
        w[...] = w - m_bar * lr / (_dnp.sqrt(v / (1.0 - b2**t)) + eps)
