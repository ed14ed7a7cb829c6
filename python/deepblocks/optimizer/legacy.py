"""Two optimizers MXNet 1.9.1 keeps registered for old code: ``ccSGD`` (a deprecated
name of ``SGD``) and ``Test`` (``weight += rescale_grad * grad``, used by MXNet's own tests).

>>> from deepblocks import np, optimizer
>>> opt = optimizer.create('test', rescale_grad=0.5)
>>> w = np.array([1.0, 2.0])
>>> state = opt.create_state(0, w)
>>> opt.update(0, w, np.array([2.0, 2.0]), state)
>>> w, state                        # the state is a copy of the new weight
(array([2., 3.]), array([2., 3.]))
"""

from ..ndarray.optimizer_ops import _unrecorded, _view
from .optimizer import Optimizer, _zeros_like, register
from .sgd import SGD

__all__ = ["ccSGD", "Test"]


@register
class ccSGD(SGD):  # noqa: N801  (MXNet's name)
    """Deprecated: the same as ``SGD``, kept for old code that names it ('ccsgd')."""


@register
class Test(Optimizer):
    """The optimizer MXNet's tests use: ``weight += rescale_grad * grad``, and the state
    (an array shaped like the weight) becomes a copy of the new weight. The update count
    does not move."""

    def create_state(self, index, weight):
        return _zeros_like(weight)

    @_unrecorded
    def _step(self, index, weight, grad, state):
        w = _view(weight)
        w[...] = w + _view(grad) * float(self.rescale_grad)
        _view(state)[...] = w
