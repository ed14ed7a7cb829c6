"""Contributed optimizers (MXNet 1.9.1's ``mxnet.optimizer.contrib``): ``GroupAdaGrad``.

>>> from deepblocks import np, optimizer
>>> opt = optimizer.create('groupadagrad', learning_rate=0.1)
>>> w = np.array([[1.0, 1.0], [1.0, 1.0]])
>>> history = opt.create_state(0, w)
>>> opt.update(0, w, np.array([[3.0, 4.0], [0.0, 0.0]]), history)
>>> history                         # the mean squared gradient of each row
array([[12.5],
       [ 0. ]])
"""

from .. import numpy as _dnp
from ..ndarray.optimizer_ops import _unrecorded, _view
from .optimizer import Optimizer, _base_dtype, register

__all__ = ["GroupAdaGrad"]


@register
class GroupAdaGrad(Optimizer):
    """AdaGrad with one adaptive learning rate per row of a 2-d weight (an embedding table's
    rows, say), instead of one per element.

    With ``g = clip(rescale_grad * grad, clip_gradient)``::

        history += mean(g**2, axis=1, keepdims=True)
        weight -= lr * g / sqrt(history + eps)

    The state is ``history``, of shape ``(rows, 1)``. Weight decay is not supported (a
    non-zero ``wd`` for the parameter raises ValueError).

    Parameters
    ----------
    eps : float, default 1e-5
    """

    def __init__(self, eps=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index, weight):
        if len(weight.shape) != 2:
            raise ValueError(f"GroupAdaGrad: the weight must be 2-d (one learning rate per row), not of shape "
                             f"{weight.shape}")
        z = _dnp.zeros((weight.shape[0], 1), dtype=_base_dtype(weight), device=weight.ctx)
        return z if type(weight) is _dnp.ndarray else type(weight)(z)

    @_unrecorded
    def _step(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        if wd != 0:
            raise ValueError(f"GroupAdaGrad does not support weight decay, but parameter {index} has wd={wd}")
        w, history = _view(weight), _view(state)
        g = self._clipped_grad(_view(grad))
        history[...] = history + _dnp.mean(g * g, axis=1, keepdims=True)
        w[...] = w - g * lr / _dnp.sqrt(history + float(self.float_stable_eps))
