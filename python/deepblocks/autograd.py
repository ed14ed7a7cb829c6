"""``deepblocks.autograd``: recording and differentiation, with MXNet Gluon's semantics.

Nothing is recorded outside ``record()``. ``attach_grad()`` makes an array a variable;
``backward()`` overwrites its gradient (``grad_req='write'``, the default), adds to it
(``'add'``) or leaves it alone (``'null'``). The flags are per thread.

>>> from deepblocks import np, autograd
>>> x = np.array([1.0, 2.0, 3.0])
>>> x.attach_grad()
>>> with autograd.record():
...     y = (x ** 2).sum()
>>> y.backward()
>>> x.grad
array([2., 4., 6.])
>>> autograd.is_recording(), autograd.is_training()
(False, False)
"""

from . import _core

__all__ = [
    "record", "pause", "train_mode", "predict_mode", "is_recording", "is_training",
    "set_recording", "set_training", "backward", "grad", "mark_variables",
]

is_recording = _core.is_recording
is_training = _core.is_training
set_recording = _core.set_recording
set_training = _core.set_training


class _RecordingStateScope:
    """Sets the recording and training flags (those not ``None``) for a ``with`` block and
    restores the previous values on exit, also when the block raises."""

    __slots__ = ("_enter_record", "_enter_train", "_prev_record", "_prev_train")

    def __init__(self, is_record, train_mode):
        self._enter_record = is_record
        self._enter_train = train_mode
        self._prev_record = None
        self._prev_train = None

    def __enter__(self):
        if self._enter_record is not None:
            self._prev_record = _core.set_recording(self._enter_record)
        if self._enter_train is not None:
            self._prev_train = _core.set_training(self._enter_train)
        return self

    def __exit__(self, *exc):
        if self._enter_record is not None:
            _core.set_recording(self._prev_record)
        if self._enter_train is not None:
            _core.set_training(self._prev_train)
        return False


def record(train_mode=True):
    """Records operations for differentiation inside a ``with`` block (training mode by
    default; ``train_mode=False`` records in prediction mode)."""
    return _RecordingStateScope(True, train_mode)


def pause(train_mode=False):
    """Stops recording inside a ``with`` block (prediction mode by default)."""
    return _RecordingStateScope(False, train_mode)


def train_mode():
    """Training mode (for Dropout, BatchNorm) inside a ``with`` block, without recording."""
    return _RecordingStateScope(None, True)


def predict_mode():
    """Prediction mode inside a ``with`` block."""
    return _RecordingStateScope(None, False)


def backward(heads, head_grads=None, retain_graph=False, train_mode=True):
    """Back-propagates from ``heads`` (an array or a list) into the variables' gradient
    buffers; ``head_grads`` default to ones. The graph is freed unless ``retain_graph``."""
    _core.backward(heads, head_grads, retain_graph, train_mode)


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False, train_mode=True):
    """Gradients of ``heads`` with respect to ``variables``, returned instead of written into
    the buffers (one array for one variable, else a list). With ``create_graph=True`` the
    result is recorded and can be differentiated again.

    >>> from deepblocks import np, autograd
    >>> x = np.array([3.0])
    >>> x.attach_grad()
    >>> with autograd.record():
    ...     y = x ** 3
    ...     dy = autograd.grad(y, x, create_graph=True)
    >>> dy
    array([27.])
    >>> dy.backward()
    >>> x.grad
    array([18.])
    """
    return _core.grad(heads, variables, head_grads, retain_graph, create_graph, train_mode)


def mark_variables(variables, gradients, grad_reqs="write"):
    """Makes ``variables`` variables whose gradients go into the given ``gradients`` buffers."""
    _core.mark_variables(variables, gradients, grad_reqs)
